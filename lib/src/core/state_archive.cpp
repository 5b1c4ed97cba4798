// StateArchive (see state_archive.hpp): the save side builds an ordered JSON tree, the load
// side walks a parsed one with a cursor per scope, checking each field as it is asked for.
// nlohmann::ordered_json keeps the keys in insertion (= archiving) order, which is what
// makes "same order" checkable after a round trip through text.
#include "optdyn/core/state_archive.hpp"

#include <charconv>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"

namespace optdyn {
namespace {

using Json = nlohmann::ordered_json;

// Exact text of a double: hexadecimal significand and binary exponent (no rounding), or
// inf / -inf / nan / -nan. std::to_chars/from_chars are locale-independent.
std::string double_text(double v) {
  char buffer[64];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::hex);
  return std::string(buffer, r.ptr);
}

bool parse_double(const Json& j, double& out) {
  if (!j.is_string()) return false;
  const std::string& s = j.get_ref<const std::string&>();
  const char* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, out, std::chars_format::hex);
  return r.ec == std::errc{} && r.ptr == end;
}

std::string json_type(const Json& j) {
  if (j.is_number_unsigned()) return "a non-negative integer";
  if (j.is_number_integer()) return "an integer";
  return std::string("a JSON ") + j.type_name();
}

Json vec_json(const double* data, Index n) {
  Json a = Json::array();
  auto& array = a.get_ref<Json::array_t&>();
  array.reserve(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) array.emplace_back(double_text(data[i]));
  return a;
}

}  // namespace

struct StateArchive::Impl {
  struct Frame {
    std::string prefix;            // "optimizer.modifier.0." (empty at the top level)
    Json* save = nullptr;          // save: the object being written
    const Json* load = nullptr;    // load: the object being read
    std::size_t next = 0;          // load: index of the next field in it
  };
  Json root = Json::object();
  std::vector<Frame> frames;
  // The sequence being archived (sequences hold vectors only, so never nest).
  std::string sequence_path;
  Json* sequence_save = nullptr;
  const Json* sequence_load = nullptr;

  Frame& top() { return frames.back(); }
  const Frame& top() const { return frames.back(); }
};

StateArchive::StateArchive(Mode mode) : mode_(mode), impl_(std::make_unique<Impl>()) {}
StateArchive::StateArchive(StateArchive&&) noexcept = default;
StateArchive& StateArchive::operator=(StateArchive&&) noexcept = default;
StateArchive::~StateArchive() = default;

StateArchive StateArchive::for_saving() {
  StateArchive a(Mode::save);
  a.impl_->frames.push_back({"", &a.impl_->root, nullptr, 0});
  return a;
}

StateArchive StateArchive::from_json(std::string_view json) {
  StateArchive a(Mode::load);
  // parse without exceptions: nlohmann's parse_error texts quote the offending bytes, which
  // may be arbitrary; one fixed line is enough to say the file is not a checkpoint.
  a.impl_->root = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (a.impl_->root.is_discarded()) throw InputError("checkpoint: not valid JSON (truncated or corrupted file?)");
  if (!a.impl_->root.is_object())
    throw InputError("checkpoint: the top level is " + json_type(a.impl_->root) + ", expected a JSON object");
  a.impl_->frames.push_back({"", nullptr, &a.impl_->root, 0});
  return a;
}

std::string StateArchive::to_json() const {
  if (!saving()) throw std::logic_error("StateArchive::to_json on a loading archive");
  return impl_->root.dump();
}

std::string StateArchive::path(std::string_view name) const { return impl_->top().prefix + std::string(name); }

void StateArchive::fail(std::string_view name, const std::string& what) const {
  throw InputError("checkpoint: " + path(name) + " " + what);
}

void StateArchive::finish() const {
  if (!loading() || impl_->frames.size() != 1) return;
  const Impl::Frame& f = impl_->top();
  const auto& object = f.load->get_ref<const Json::object_t&>();
  if (f.next < object.size())
    throw InputError("checkpoint: unexpected field '" + std::next(object.begin(), static_cast<std::ptrdiff_t>(f.next))->first + "' after the last one expected");
}

// --- the primitive: one named slot in the current scope ---------------------------------------

namespace {

// Save: the slot for `name`, appended to the current object.
Json& save_slot(Json& object, std::string_view name) {
  auto& map = object.get_ref<Json::object_t&>();
  // JSON keeps only one of two equal keys: a second field of the same name is a bug in the
  // archiving function, found on the first save.
  for (const auto& [key, value] : map)
    if (key == name) throw std::logic_error("StateArchive: two fields named '" + key + "' in one scope");
  map.emplace_back(std::string(name), Json());
  return map.back().second;
}

}  // namespace

#define OPTDYN_SAVE_SLOT(name) save_slot(*impl_->top().save, name)

// Load: the stored value of `name`, which must be the next field of the current object.
static const Json& next_field(const StateArchive& a, std::vector<StateArchive::Impl::Frame>& frames,
                              std::string_view name) {
  auto& f = frames.back();
  const auto& object = f.load->get_ref<const Json::object_t&>();
  if (f.next >= object.size()) a.fail(name, "is missing (the checkpoint ends before it)");
  const auto& [key, value] = *std::next(object.begin(), static_cast<std::ptrdiff_t>(f.next));
  if (key != name) a.fail(name, "is missing: found '" + key + "' in its place (another optimizer or version?)");
  ++f.next;
  return value;
}

void StateArchive::field(std::string_view name, double& value) {
  if (saving()) {
    OPTDYN_SAVE_SLOT(name) = double_text(value);
    return;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  if (!parse_double(j, value)) fail(name, "is " + json_type(j) + ", expected a double as a hexadecimal string");
}

void StateArchive::field(std::string_view name, std::uint64_t& value) {
  if (saving()) {
    OPTDYN_SAVE_SLOT(name) = value;
    return;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  if (!j.is_number_unsigned()) fail(name, "is " + json_type(j) + ", expected a non-negative integer");
  value = j.get<std::uint64_t>();
}

void StateArchive::field(std::string_view name, std::int64_t& value) {
  field(name, value, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
}

void StateArchive::field(std::string_view name, std::int64_t& value, std::int64_t min, std::int64_t max) {
  if (saving()) {
    OPTDYN_SAVE_SLOT(name) = value;
    return;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  std::int64_t v = 0;
  if (j.is_number_unsigned()) {
    const auto u = j.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) fail(name, "is out of range");
    v = static_cast<std::int64_t>(u);
  } else if (j.is_number_integer()) {
    v = j.get<std::int64_t>();
  } else {
    fail(name, "is " + json_type(j) + ", expected an integer");
  }
  if (v < min || v > max)
    fail(name, "is " + std::to_string(v) + ", expected a value in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  value = v;
}

void StateArchive::field(std::string_view name, bool& value) {
  if (saving()) {
    OPTDYN_SAVE_SLOT(name) = value;
    return;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  if (!j.is_boolean()) fail(name, "is " + json_type(j) + ", expected a boolean");
  value = j.get<bool>();
}

void StateArchive::field(std::string_view name, std::string& value) {
  if (saving()) {
    OPTDYN_SAVE_SLOT(name) = value;
    return;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  if (!j.is_string()) fail(name, "is " + json_type(j) + ", expected a string");
  value = j.get<std::string>();
}

namespace {

// `j` as `length` doubles into `out` (resized); the error names path `what`.
void read_vec(const StateArchive& a, std::string_view what, const Json& j, Index length, double* out) {
  if (!j.is_array()) a.fail(what, "is " + json_type(j) + ", expected an array of doubles");
  const auto& array = j.get_ref<const Json::array_t&>();
  if (array.size() != static_cast<std::size_t>(length))
    a.fail(what, "has length " + std::to_string(array.size()) + ", expected " + std::to_string(length));
  for (std::size_t i = 0; i < array.size(); ++i)
    if (!parse_double(array[i], out[i]))
      a.fail(std::string(what) + "[" + std::to_string(i) + "]",
             "is " + json_type(array[i]) + ", expected a double as a hexadecimal string");
}

}  // namespace

void StateArchive::field(std::string_view name, Vec& value) { field(name, value, value.size()); }

void StateArchive::field(std::string_view name, Vec& value, Index length) {
  if (saving()) {
    if (value.size() != length)
      throw std::logic_error("StateArchive: " + path(name) + " has length " + std::to_string(value.size()) +
                             " but is archived with length " + std::to_string(length));
    OPTDYN_SAVE_SLOT(name) = vec_json(value.data(), value.size());
    return;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  // Checked before resizing, so a hostile length never allocates.
  if (j.is_array() && j.size() != static_cast<std::size_t>(length))
    fail(name, "has length " + std::to_string(j.size()) + ", expected " + std::to_string(length));
  Vec loaded(length);
  read_vec(*this, name, j, length, loaded.data());
  value = std::move(loaded);
}

void StateArchive::field(std::string_view name, std::vector<std::int64_t>& values, std::size_t max_count,
                         std::int64_t min, std::int64_t max) {
  if (saving()) {
    if (values.size() > max_count) throw std::logic_error("StateArchive: " + path(name) + " holds more than its maximum");
    OPTDYN_SAVE_SLOT(name) = values;
    return;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  if (!j.is_array()) fail(name, "is " + json_type(j) + ", expected an array of integers");
  const auto& array = j.get_ref<const Json::array_t&>();
  if (array.size() > max_count)
    fail(name, "has length " + std::to_string(array.size()) + ", expected at most " + std::to_string(max_count));
  std::vector<std::int64_t> loaded(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    const Json& e = array[i];
    const bool in_range = (e.is_number_unsigned() && e.get<std::uint64_t>() <= static_cast<std::uint64_t>(max) &&
                           static_cast<std::int64_t>(e.get<std::uint64_t>()) >= min) ||
                          (e.is_number_integer() && !e.is_number_unsigned() && e.get<std::int64_t>() >= min &&
                           e.get<std::int64_t>() <= max);
    if (!in_range)
      fail(std::string(name) + "[" + std::to_string(i) + "]",
           "is " + (e.is_number_integer() ? e.dump() : json_type(e)) + ", expected an integer in [" + std::to_string(min) +
               ", " + std::to_string(max) + "]");
    loaded[i] = e.get<std::int64_t>();
  }
  values = std::move(loaded);
}

void StateArchive::field(std::string_view name, Mat& value) { field(name, value, value.rows(), value.cols()); }

void StateArchive::field(std::string_view name, Mat& value, Index rows, Index cols) {
  if (saving()) {
    if (value.rows() != rows || value.cols() != cols)
      throw std::logic_error("StateArchive: " + path(name) + " is not of the archived shape");
    Json m = Json::object();
    m["rows"] = rows;
    m["cols"] = cols;
    m["data"] = vec_json(value.data(), value.size());
    OPTDYN_SAVE_SLOT(name) = std::move(m);
    return;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  if (!j.is_object()) fail(name, "is " + json_type(j) + ", expected a matrix {rows, cols, data}");
  const auto shape = [&](const char* key, Index expected) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer())
      fail(std::string(name) + "." + key, "is missing or not an integer");
    const auto stored = it->get<std::int64_t>();
    if (stored != expected)
      fail(name, "has " + std::string(key) + " = " + std::to_string(stored) + ", expected " + std::to_string(expected));
  };
  shape("rows", rows);
  shape("cols", cols);
  const auto data = j.find("data");
  if (data == j.end()) fail(std::string(name) + ".data", "is missing");
  if (data->is_array() && data->size() != static_cast<std::size_t>(rows * cols))
    fail(std::string(name) + ".data", "has length " + std::to_string(data->size()) + ", expected " + std::to_string(rows * cols));
  Mat loaded(rows, cols);
  read_vec(*this, std::string(name) + ".data", *data, rows * cols, loaded.data());
  value = std::move(loaded);
}

std::size_t StateArchive::begin_sequence(std::string_view name, std::size_t count, std::size_t max_count) {
  impl_->sequence_path = path(name);
  if (saving()) {
    if (count > max_count) throw std::logic_error("StateArchive: " + path(name) + " holds more than its maximum");
    Json& slot = OPTDYN_SAVE_SLOT(name);
    slot = Json::array();
    impl_->sequence_save = &slot;
    return count;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  if (!j.is_array()) fail(name, "is " + json_type(j) + ", expected an array of vectors");
  if (j.size() > max_count)
    fail(name, "has " + std::to_string(j.size()) + " elements, expected at most " + std::to_string(max_count));
  impl_->sequence_load = &j;
  return j.size();
}

void StateArchive::sequence_element(std::size_t index, Vec& value, Index length) {
  const std::string what = impl_->sequence_path + "[" + std::to_string(index) + "]";
  if (saving()) {
    if (value.size() != length)
      throw std::logic_error("StateArchive: " + what + " has length " + std::to_string(value.size()) +
                             " but is archived with length " + std::to_string(length));
    impl_->sequence_save->push_back(vec_json(value.data(), value.size()));
    return;
  }
  const Json& j = (*impl_->sequence_load)[index];
  // Errors name the element by its full path, so they are raised from the top level.
  const std::string saved_prefix = std::exchange(impl_->top().prefix, "");
  struct Restore {
    std::string& prefix;
    std::string saved;
    ~Restore() { prefix = std::move(saved); }
  } restore{impl_->top().prefix, saved_prefix};
  if (j.is_array() && j.size() != static_cast<std::size_t>(length))
    fail(what, "has length " + std::to_string(j.size()) + ", expected " + std::to_string(length));
  Vec loaded(length);
  read_vec(*this, what, j, length, loaded.data());
  value = std::move(loaded);
}

void StateArchive::end_sequence() {
  impl_->sequence_save = nullptr;
  impl_->sequence_load = nullptr;
}

void StateArchive::field(std::string_view name, Rng& rng) {
  scope(name, [&] { rng.archive(*this); });
}

void StateArchive::constant(std::string_view name, const std::string& expected) {
  if (saving()) {
    OPTDYN_SAVE_SLOT(name) = expected;
    return;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  if (!j.is_string()) fail(name, "is " + json_type(j) + ", expected the string '" + expected + "'");
  const auto& stored = j.get_ref<const std::string&>();
  if (stored != expected) fail(name, "is '" + stored + "', expected '" + expected + "'");
}

void StateArchive::constant(std::string_view name, std::int64_t expected) {
  if (saving()) {
    OPTDYN_SAVE_SLOT(name) = expected;
    return;
  }
  std::int64_t stored = 0;
  field(name, stored);
  if (stored != expected) fail(name, "is " + std::to_string(stored) + ", expected " + std::to_string(expected));
}

void StateArchive::enter(std::string_view name) {
  const std::string prefix = path(name) + ".";
  if (saving()) {
    Json& slot = OPTDYN_SAVE_SLOT(name);
    slot = Json::object();
    impl_->frames.push_back({prefix, &slot, nullptr, 0});
    return;
  }
  const Json& j = next_field(*this, impl_->frames, name);
  if (!j.is_object()) fail(name, "is " + json_type(j) + ", expected an object (a scope)");
  impl_->frames.push_back({prefix, nullptr, &j, 0});
}

void StateArchive::leave() {
  const Impl::Frame f = impl_->top();
  impl_->frames.pop_back();
  if (!loading()) return;
  const auto& object = f.load->get_ref<const Json::object_t&>();
  if (f.next < object.size())
    throw InputError("checkpoint: " + f.prefix + std::next(object.begin(), static_cast<std::ptrdiff_t>(f.next))->first +
                     " is not expected (the checkpoint holds more state than this object)");
}

#undef OPTDYN_SAVE_SLOT

}  // namespace optdyn
