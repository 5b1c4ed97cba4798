// `optdyn eval --objective SPEC --x0 SPEC [--hessian] --out FILE`: the loss, gradient and
// (optionally) dense Hessian of an objective at one point, as JSON:
//
//   {
//     "objective": "rosenbrock:dim=3,a=1,b=100",   the canonical (fully resolved) spec
//     "x0": "0,0,0",                               the --x0 spec as given
//     "dim": 3,
//     "x": [0.0, 0.0, 0.0],                        the point
//     "loss": 2.0,
//     "gradient_norm": 2.8284271247461903,
//     "gradient": [-2.0, -2.0, 0.0],
//     "hessian": [[2.0, 0.0, 0.0], ...],           only with --hessian; row i = ∂²F/∂θ_i∂θ
//     "counters": {"values": 1, "gradients": 1, "hvps": 0, "samples": 0}
//   }
//
// Numbers are written in the shortest form that reads back to the same double; a
// non-finite value (NaN, ±inf) is written as null. The file is written to FILE.tmp and
// renamed; `--out -` writes to stdout.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/output_file.hpp"
#include "harness/output_lock.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "tool/command.hpp"
#include "tool/shared_fields.hpp"

namespace optdyn::tool {
namespace {

constexpr Index kMaxHessianDim = 5000;

nlohmann::ordered_json to_json(const Vec& v) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (Index i = 0; i < v.size(); ++i) a.push_back(v[i]);
  return a;
}

int run_eval(const po::variables_map& vm) {
  const std::string objective_spec = vm["objective"].as<std::string>();
  const std::string x0_spec = vm["x0"].as<std::string>();
  const std::string out = vm["out"].as<std::string>();
  const bool want_hessian = vm.count("hessian") > 0;
  if (out.empty()) throw InputError("--out: empty path");

  ObjectivePtr f = make_objective(objective_spec);
  const Vec x = initial_point(x0_spec, *f);
  if (want_hessian && f->dim() > kMaxHessianDim)
    throw InputError("--hessian: objective '" + f->spec() + "' has dimension " + std::to_string(f->dim()) +
                     "; the dense Hessian is limited to dimension " + std::to_string(kMaxHessianDim));

  f->reset_counters();
  Vec gradient;
  const double loss = f->value_and_gradient(x, gradient);

  nlohmann::ordered_json j;
  j["objective"] = f->spec();
  j["x0"] = x0_spec;
  j["dim"] = f->dim();
  j["x"] = to_json(x);
  j["loss"] = loss;
  j["gradient_norm"] = gradient.norm();
  j["gradient"] = to_json(gradient);
  if (want_hessian) {
    const Mat h = f->hessian(x);
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (Index i = 0; i < h.rows(); ++i) rows.push_back(to_json(h.row(i).transpose()));
    j["hessian"] = rows;
  }
  nlohmann::ordered_json counters;
  add_evaluation_counts(counters, f->counters(), {"values", "gradients", "hvps", "samples"});
  j["counters"] = counters;

  const std::string text = j.dump(2) + "\n";
  // FILE.lock for the write ("-" is stdout: no lock); a failed write, stdout included, is exit 2.
  const harness::OutputLock lock = harness::lock_output_file(out);
  harness::write_file_atomically(out, text);
  return kExitOk;
}

}  // namespace

Command eval_command() {
  Command c;
  c.name = "eval";
  c.summary = "loss, gradient (and dense Hessian) of an objective at a point, as JSON";
  c.synopsis = "optdyn eval --objective SPEC --x0 SPEC [--hessian] --out FILE";
  c.details =
      "Writes a JSON object: objective (canonical spec), x0 (as given), dim, x, loss,\n"
      "gradient_norm, gradient, hessian (rows; only with --hessian, dimension <= 5000) and\n"
      "counters (values, gradients, hvps, samples). Non-finite numbers are written as null.\n\n"
      "--x0 forms: zeros | init:SCHEME[,gain=G][,seed=S][,bias=B] with SCHEME one of\n"
      "gaussian, uniform, xavier, he, orthogonal (per parameter block) | a comma list\n"
      "such as 0.5,-1,2 | a file with one number per line ('#' comments allowed).";
  c.declare = [](po::options_description& visible, po::options_description&, po::positional_options_description&) {
    visible.add_options()
        ("objective", po::value<std::string>()->value_name("SPEC")->required(), "objective spec, e.g. rosenbrock:dim=3")
        ("x0", po::value<std::string>()->value_name("SPEC")->required(), "the point (see above)")
        ("hessian", "also write the dense Hessian")
        ("out", po::value<std::string>()->value_name("FILE")->required(), "output JSON file ('-' for stdout)");
  };
  c.run = run_eval;
  return c;
}

}  // namespace optdyn::tool
