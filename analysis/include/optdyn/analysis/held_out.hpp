#pragma once
// Held-out data for a classifier objective (doc/references.md, "Generalization and early
// stopping"): the objective to evaluate beside the one trained on, so that a run can record
// its test or validation loss and 0-1 error (classification_metrics.hpp).
//
//  * split=test: the same objective on the data's test split (data=fashion-mnist only: the
//    spec with split=test), n = `n` test samples (0: as many as the training set has, at most
//    the 10,000 test images). The trained objective is unchanged and must be on split=train.
//  * split=validation: a deterministic validation part of the training data: the LAST
//    m = ⌈fraction·n⌉ of its n samples (in the data's own order; with sample=random that
//    order is already a seeded shuffle). The run then trains on the first n − m samples only:
//    `train` is that objective (same architecture, same spec string).
#include <memory>
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

struct HeldOutParams {
  enum class Split { test, validation };
  Split split = Split::test;
  double fraction = 0.1;  // validation: the held-out share of the training samples
  long n = 0;             // test: samples of the test split (0: the training set's n, at most 10,000)
  long every = 1;         // evaluate at recorded steps that are multiples of this (and step 0)
  static const ParamTable<HeldOutParams>& table();
};

struct HeldOut {
  ObjectivePtr train;     // validation: the objective on the first n − m samples; test: null (train on the original)
  ObjectivePtr held_out;  // the test or validation objective
  std::string prefix;     // column prefix: "test" or "val"
  std::string spec;       // the canonical held-out spec (heldout:split=...,...)
};

// InputError starting with `option` ("--eval") when the objective is not a classifier, when
// split=test is asked of data without a test split or of an objective not on split=train, or
// when the validation part would leave the training or the validation set empty.
HeldOut make_held_out(const Objective& objective, const HeldOutParams& params, const std::string& option);
// The same from the spec text `heldout:split=...` (InputError naming the key when bad).
HeldOut make_held_out(const Objective& objective, const std::string& spec, const std::string& option);

}  // namespace optdyn::analysis
