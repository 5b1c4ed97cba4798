#pragma once
// StateArchive: one visitor that both saves and restores a piece of state (checkpoint and
// resume). A class writes ONE function that names each piece of its state in order,
//
//   void archive(StateArchive& a) {
//     a.field("t", t_);
//     a.field("m", m_);                        // Vec: length must equal m_.size() on load
//     a.scope("modifier.0", [&] { modifier_->archive(a); });
//   }
//
// and the same function saves (mode save: the values are recorded) and loads (mode load: the
// values are overwritten from the archive). There is no second list to keep in sync.
//
// Loading is strict: every field must appear under the same name, in the same order, with
// the same type and size as the loading code asks for, and a scope must hold no extra fields.
// Any mismatch is an InputError of one line naming the field's path and the mismatch, e.g.
//   checkpoint: optimizer.m has length 10, expected 12
// Sizes the loading side cannot know in advance (an L-BFGS history, a growing basis) are
// archived first as counts with a range (`field(name, Index&, min, max)`), then the vectors
// with the explicit length that count implies (`field(name, Vec&, length)`), so no size is
// ever taken from the file unchecked.
//
// The serialised form is a JSON document (to_json / from_json): a scope is an object whose
// keys keep the field order; a double is a string holding its exact hexadecimal form
// (std::to_chars hex: "1.8p+1", "-0p+0", "inf", "-nan"), so every double — −0, ±∞, NaN
// (payload not kept) — round-trips bit-exactly, which JSON numbers cannot promise; integers
// and bools are JSON numbers and booleans; a Vec is an array of such strings; a Mat is
// {"rows", "cols", "data" (column-major)}. Malformed JSON is an InputError as well (the
// loader is fuzzed: tests/fuzz/checkpoint_fuzz.cpp).
//
// A failed load leaves the object half restored: reset it (or discard it) before further use.
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/types.hpp"

namespace optdyn {

class Rng;

class StateArchive {
 public:
  enum class Mode { save, load };

  // An empty archive to save into.
  static StateArchive for_saving();
  // An archive to load from `json` (a document written by to_json); InputError when `json`
  // is not valid JSON or its top level is not an object.
  static StateArchive from_json(std::string_view json);

  StateArchive(StateArchive&&) noexcept;
  StateArchive& operator=(StateArchive&&) noexcept;
  ~StateArchive();

  Mode mode() const { return mode_; }
  bool loading() const { return mode_ == Mode::load; }
  bool saving() const { return mode_ == Mode::save; }

  // The saved document (save mode only; std::logic_error otherwise).
  std::string to_json() const;
  // Load mode: InputError if the top level holds fields nobody asked for. Call after the last
  // field, so that a checkpoint with more state than the restoring code knows is refused.
  void finish() const;

  // --- fields: one call per piece of state ----------------------------------------------------
  void field(std::string_view name, double& value);
  void field(std::string_view name, std::uint64_t& value);
  void field(std::string_view name, std::int64_t& value);  // also Index
  // An integer that must lie in [min, max] on load (counts, cursors, sizes).
  void field(std::string_view name, std::int64_t& value, std::int64_t min, std::int64_t max);
  void field(std::string_view name, bool& value);
  void field(std::string_view name, std::string& value);
  // A vector whose length is fixed by the object's configuration: on load the stored
  // length must equal value.size().
  void field(std::string_view name, Vec& value);
  // A vector that must have `length` entries (value is resized on load).
  void field(std::string_view name, Vec& value, Index length);
  // Integers (indices: a permutation, a batch) each in [min, max], at most max_count of them.
  void field(std::string_view name, std::vector<std::int64_t>& values, std::size_t max_count, std::int64_t min,
             std::int64_t max);
  // A matrix of the current shape / of the given shape (resized on load).
  void field(std::string_view name, Mat& value);
  void field(std::string_view name, Mat& value, Index rows, Index cols);
  // A sequence of vectors (std::vector<Vec>, std::deque<Vec>) of at most `max_count`
  // elements, each of `element_length` entries.
  template <class Sequence>
  void sequence(std::string_view name, Sequence& values, Index element_length, std::size_t max_count);
  // The whole state of an Rng (engine and the Box–Muller spare), as a scope `name`.
  void field(std::string_view name, Rng& rng);

  // A value that is not state but identifies it (a spec, a dimension): saved as is; on load
  // the stored value must equal `expected` ("checkpoint: optimizer.dim is 5, expected 7").
  void constant(std::string_view name, const std::string& expected);
  void constant(std::string_view name, std::int64_t expected);

  // A nested scope: the fields `body` archives appear under `name` (an object), and the path
  // in error messages gains "name.". On load, fields left unread in it are an error.
  template <class Body>
  void scope(std::string_view name, Body&& body) {
    enter(name);
    body();
    leave();
  }

  // "checkpoint: <path>.<name> <what>" as an InputError: for checks an archiving function
  // makes itself (a cursor outside its range, inconsistent sizes).
  [[noreturn]] void fail(std::string_view name, const std::string& what) const;
  // The dotted path of `name` in the current scope.
  std::string path(std::string_view name) const;

  // The document and the scope cursors (state_archive.cpp); named here only so that the
  // implementation's helpers can take it.
  struct Impl;

 private:
  explicit StateArchive(Mode mode);
  void enter(std::string_view name);
  void leave();
  // The sequence field, one element at a time: begin returns the stored count on load.
  std::size_t begin_sequence(std::string_view name, std::size_t count, std::size_t max_count);
  void sequence_element(std::size_t index, Vec& value, Index length);
  void end_sequence();

  Mode mode_;
  std::unique_ptr<Impl> impl_;
};

template <class Sequence>
void StateArchive::sequence(std::string_view name, Sequence& values, Index element_length, std::size_t max_count) {
  const std::size_t count = begin_sequence(name, values.size(), max_count);
  if (loading()) values.resize(count);
  std::size_t i = 0;
  for (Vec& v : values) sequence_element(i++, v, element_length);
  end_sequence();
}

}  // namespace optdyn
