#pragma once
// Saddle points, the textbook obstacles of non-convex optimization.
//
//  * saddle:          F(x, y) = x² − y²            (non-degenerate saddle at 0, Hessian
//                                                  diag(2, −2); index 1)
//  * monkey_saddle:   F(x, y) = x³ − 3xy²          (= Re (x + iy)³; degenerate saddle at 0 with
//                                                  zero Hessian: three descending valleys)
//  * plateau_saddle:  F(x) = ½ Σ_{i≥k} x_i² + Σ_{j<k} ( ε x_j²/2 − x_j⁴/4 + x_j⁶/6 ),
//                     k = `flat` directions out of D = `dim`.
//
// plateau_saddle models the "λ ≈ 0 plateaus near saddles" of the seeds (seed 000): at the
// origin the Hessian is diag(ε,…,ε, 1,…,1), so the k flat directions have curvature exactly
// ε (0 by default). Along a flat direction g(x) = εx²/2 − x⁴/4 + x⁶/6:
//   ε = 0:        the origin is a degenerate saddle (g ≈ −x⁴/4), gradient ~ x³: gradient
//                 descent escapes only polynomially slowly (a plateau); minima at x_j = ±1
//                 with g = −1/12.
//   ε < 0:        a strict saddle whose escape curvature ε is as small as one likes.
//   0 < ε < 1/4:  the origin becomes a shallow local minimum in the flat directions
//                 (barrier at x² = (1 − √(1−4ε))/2); documented, not forbidden.
//   In general (ε < 1/4) the minima of g are at x_j² = (1 + √(1−4ε))/2 (the roots of
//   g'(x)/x = ε − x² + x⁴), which is ±1 only for ε = 0; for ε ≥ 1/4 the only critical
//   point of g is x = 0, a minimum.
// The better-founded plateau saddle of the literature, the origin of a deep linear network
// (Saxe, McClelland, Ganguli 2013), is the `deep_linear` objective; this one is the
// separable toy with the same local structure (zero curvature, higher-order escape).
#include <memory>
#include <string>
#include <utility>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

// A deterministic objective of two variables given by closed forms of F, ∇F and ∇²F
// (the HVP is ∇²F·v). Saddle and MonkeySaddle differ only in these three functions.
class PlanarObjective : public Objective {
 public:
  Index dim() const override { return 2; }
  std::string spec() const override { return spec_; }

 protected:
  explicit PlanarObjective(std::string spec) : spec_(std::move(spec)) {}
  virtual double value_at(double x, double y) const = 0;
  virtual Vec gradient_at(double x, double y) const = 0;
  virtual Mat hessian_at(double x, double y) const = 0;

  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const final;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const final;
  Mat evaluate_hessian(const Vec& theta) const final;

 private:
  std::string spec_;
};

// F(x, y) = x² − y².
class Saddle final : public PlanarObjective {
 public:
  explicit Saddle(std::string spec) : PlanarObjective(std::move(spec)) {}

 protected:
  double value_at(double x, double y) const override;
  Vec gradient_at(double x, double y) const override;
  Mat hessian_at(double x, double y) const override;
};

// F(x, y) = x³ − 3xy².
class MonkeySaddle final : public PlanarObjective {
 public:
  explicit MonkeySaddle(std::string spec) : PlanarObjective(std::move(spec)) {}

 protected:
  double value_at(double x, double y) const override;
  Vec gradient_at(double x, double y) const override;
  Mat hessian_at(double x, double y) const override;
};

class PlateauSaddle : public Objective {
 public:
  PlateauSaddle(Index dim, Index flat, double eps, std::string spec);
  Index dim() const override { return dim_; }
  std::string spec() const override { return spec_; }
  Index flat() const { return flat_; }
  double eps() const { return eps_; }

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;
  Mat evaluate_hessian(const Vec& theta) const override;

 private:
  Vec curvature(const Vec& theta) const;  // the (diagonal) Hessian

  Index dim_, flat_;
  double eps_;
  std::string spec_;
};

// saddle and monkey_saddle have no keys.
struct SaddleParams {
  static const ParamTable<SaddleParams>& table();
};
struct MonkeySaddleParams {
  static const ParamTable<MonkeySaddleParams>& table();
};
struct PlateauSaddleParams {
  long dim = 4;
  long flat = 2;  // 0..dim
  double eps = 0;
  static const ParamTable<PlateauSaddleParams>& table();
};

std::unique_ptr<Saddle> make_saddle(const SaddleParams& params = {});
std::unique_ptr<MonkeySaddle> make_monkey_saddle(const MonkeySaddleParams& params = {});
std::unique_ptr<PlateauSaddle> make_plateau_saddle(const PlateauSaddleParams& params = {});

RegistryEntry<ObjectivePtr> saddle_entry();
RegistryEntry<ObjectivePtr> monkey_saddle_entry();
RegistryEntry<ObjectivePtr> plateau_saddle_entry();

}  // namespace optdyn
