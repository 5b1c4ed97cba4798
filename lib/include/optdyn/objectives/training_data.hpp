#pragma once
// The data keys of an objective's spec and the data set they describe: the front end that
// dispatches over every source (fashion-mnist, gaussian, teacher-linear, teacher-mlp,
// hierarchical) and then centres or whitens. It is parsed as part of an objective's spec,
// and data=teacher-mlp needs an optdyn Mlp (teacher_mlp.hpp), so it lives in the
// objectives layer; the sources themselves (without teacher-mlp) are the data layer's.
#include <cstdint>
#include <string>
#include <vector>

#include "optdyn/core/params.hpp"
#include "optdyn/core/spec.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/data/dataset.hpp"
#include "optdyn/data/fashion_mnist.hpp"
#include "optdyn/objectives/activation.hpp"

namespace optdyn {

// The source of the data (key `data`).
enum class DataSource { fashion_mnist, gaussian, teacher_linear, teacher_mlp, hierarchical };

// The data keys shared by every objective that trains on data, flat in the objective's spec
// (data=..., n=..., ...). An objective embeds them with its own defaults where they differ:
//
//   struct MlpParams { ...; DataParams data{.source = DataSource::fashion_mnist}; };
//   ParamTable<MlpParams>(...)....with(data_keys<MlpParams>)
//
// In C++, `.data = {...}` replaces the whole member, the owner's overrides included (for
// logistic_regression, targets=labels): to change some data keys, start from the owner's
// defaults (`LogisticRegressionParams p; p.data.n = 50;`).
//
// Keys that only some sources read (path, split, sample: fashion-mnist; targets: gaussian and
// teacher-*; noise: teacher-*; teacher_widths, teacher_act: teacher-mlp; levels, flip,
// features: hierarchical; n: for hierarchical data, whose size is 2^levels, only that size;
// whiten_eps: only with whiten) are InputErrors when set to a value other than the OWNER's
// default for another source, instead of being silently ignored: the table's rules.
// data_seed is accepted (unused) by fashion-mnist with sample=first, so that a front end may
// set it for every objective. `path` is recorded in the objective's spec (to_spec, the spec
// text of status files and manifests) only with data=fashion-mnist: for the other sources it is
// the unused default, a directory of the machine.
struct DataParams {
  enum class Split { train, test };
  enum class Sample { first, random };
  enum class Targets { regression, labels };
  DataSource source = DataSource::gaussian;  // key `data`
  long n = 1000;
  std::uint64_t seed = 1;  // key `data_seed`
  std::string path = kFashionMnistDefaultDir;
  Split split = Split::train;
  Sample sample = Sample::first;
  bool centre = false;
  bool whiten = false;
  double whiten_eps = 1e-5;
  Targets targets = Targets::regression;
  double noise = 0;
  std::vector<long> teacher_widths{32};
  Activation teacher_act = Activation::tanh;
  long levels = 5;
  double flip = 0.1;
  long features = 1000;

  // The keys, with the source rules judged against DataParams{}'s defaults.
  static const ParamTable<DataParams>& table();
  // The same keys, with the source rules judged against `defaults` (an objective's own data
  // defaults, e.g. targets=labels for logistic_regression).
  static ParamTable<DataParams> table(const DataParams& defaults);
};

// Declares the data keys of P's member `data` in P's table, with the rules judged against
// P{}.data (for ParamTable<P>::with).
template <class P>
void data_keys(ParamTable<P>& table) {
  table.embed(&P::data, DataParams::table(P{}.data));
}

// The data set the keys describe (their rules already checked, e.g. by the owner's table).
// `input_dim`/`output_dim` are what the model expects (e.g. from widths=784-32-10); generators
// use them, file-backed sets check them. InputErrors start with `owner` ("objective 'mlp': ")
// and name the key (widths, n, levels, features, teacher_widths, whiten, whiten_eps).
Dataset make_dataset(const DataParams& data, Index input_dim, Index output_dim, const std::string& owner);

// An objective's resolved spec `spec` (its own keys and the data keys `data` was read from) as
// it is recorded: without the data keys that do not apply to `data`'s source (path unless
// data=fashion-mnist; DataParams' table, recorded_when).
std::string recorded_data_spec(const std::string& spec, const DataParams& data);

// The data keys (DataParams::table().info()).
std::vector<ParamInfo> dataset_params();

// The same from a spec's data keys (other keys are ignored; data keys missing from the spec
// take their defaults), with the rules above judged against dataset_params()'s defaults.
Dataset make_dataset(const Spec& spec, Index input_dim, Index output_dim);

// The same, for an objective whose parameter table changed some data defaults (e.g.
// data=fashion-mnist): `table` is the table the spec was resolved with, so that "default"
// above means the objective's default. The 3-argument form uses dataset_params().
Dataset make_dataset(const Spec& spec, Index input_dim, Index output_dim, const std::vector<ParamInfo>& table);

}  // namespace optdyn
