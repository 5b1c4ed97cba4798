#pragma once
// The data keys of an objective's spec and the data set they describe: the front end that
// dispatches over every source (fashion-mnist, gaussian, teacher-linear, teacher-mlp,
// hierarchical) and then centres or whitens. It is parsed as part of an objective's spec,
// and data=teacher-mlp needs an optdyn Mlp (teacher_mlp.hpp), so it lives in the
// objectives layer; the sources themselves (without teacher-mlp) are the data layer's.
#include <vector>

#include "optdyn/core/spec.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/data/dataset.hpp"

namespace optdyn {

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
