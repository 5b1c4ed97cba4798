#pragma once
// A supervised data set in the layout the objectives consume: one sample per column.
#include <string>
#include <vector>

#include "optdyn/core/spec.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn {

struct Dataset {
  Mat inputs;               // d × n, sample i is column i
  Mat targets;              // k × n: regression targets, or one-hot rows for classification
  std::vector<int> labels;  // class of each sample (size n) for classification, else empty
  std::string description;  // e.g. "fashion-mnist train, first 1000, /usr/share/..."

  Index size() const { return inputs.cols(); }
  Index input_dim() const { return inputs.rows(); }
  Index output_dim() const { return targets.rows(); }
};

// The data keys shared by every objective that trains on data (data=..., n=..., ...).
// Objectives append these to their own parameter tables.
std::vector<ParamInfo> dataset_params();

// Builds the data set the spec's data keys describe. `input_dim`/`output_dim` are what the
// model expects (e.g. from widths=784-32-10); generators use them, file-backed sets check
// them (mismatch → InputError naming the key).
//
// Keys that only some sources read (path, split, sample: fashion-mnist; targets: gaussian
// and teacher-*; noise: teacher-*; teacher_widths, teacher_act: teacher-mlp; levels, flip,
// features: hierarchical; n: not hierarchical, whose size is 2^levels; whiten_eps: only with
// whiten) are InputErrors when set to a non-default value for another source, instead of
// being silently ignored. Data keys missing from the spec take their defaults.
// data_seed is accepted (unused) by fashion-mnist with sample=first.
Dataset make_dataset(const Spec& spec, Index input_dim, Index output_dim);

// The same, for an objective whose parameter table changed some data defaults (e.g.
// data=fashion-mnist): `table` is the table the spec was resolved with, so that "default"
// above means the objective's default. The 3-argument form uses dataset_params().
Dataset make_dataset(const Spec& spec, Index input_dim, Index output_dim, const std::vector<ParamInfo>& table);

}  // namespace optdyn
