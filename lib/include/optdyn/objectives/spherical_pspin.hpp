#pragma once
// The spherical p-spin glass (Crisanti & Sommers 1992, Z. Phys. B 87, 341; normalisation of
// Auffinger, Ben Arous & Černý 2013, "Random matrices and complexity of spin glasses",
// CPAM 66, eq. (1.1)):
//
//   H(σ) = N^{−(p−1)/2} Σ_{i1,…,ip=1}^N J_{i1…ip} σ_{i1}⋯σ_{ip},  J iid N(0, 1),
//   σ on the sphere ‖σ‖² = N,
//
// a centred Gaussian field with covariance E[H(σ)H(σ')] = N (σ·σ'/N)^p. Its ground-state
// energy is ≈ −N·E₀ (E₀ = √2 for p = 2, ≈ 1.657 for p = 3), and critical points of energy
// ≈ −N·E have an index that grows with E: the landscape of index-vs-loss studies
// (doc/references.md, "Hessian spectra").
//
// Storage: only the symmetrised tensor T = (1/p!) Σ_π J∘π matters. It is drawn directly:
// for each multiset t of indices with orbit size m(t) (number of distinct orderings), the
// orbit sum of J is N(0, m), so T_t = g_t / √m(t) with one g_t ~ N(0, 1) per multiset —
// equal in law to symmetrising iid J. T is stored densely (N^p entries; the constructor
// refuses more than 1.3e8, about 1 GB: N ≤ 506 for p = 3), pre-multiplied by N^{−(p−1)/2}, so that
//   H = Σ T σ…σ,  ∇H = p T[σ,…,σ,·],  ∇²H = p(p−1) T[σ,…,σ,·,·].
//
// As an unconstrained objective on R^N we use the scale-invariant extension
//   F(θ) = H(σ(θ)),  σ(θ) = r θ/s,  r = √N,  s = ‖θ‖   (θ ≠ 0),
// with, writing u = θ/s, P = I − uuᵀ, h = ∇H(σ), K = ∇²H(σ):
//   ∇F  = (r/s) P h                       (tangent: θ·∇F = 0)
//   ∇²F = (r/s)² P K P − (r/s²) [ P h uᵀ + u hᵀ P + (u·h) P ].
// On the sphere (s = r) and on tangent vectors, ∇²F reduces to the Riemannian Hessian
//   Hess H(σ) = P K P − (σ·h / N) P,
// whose negative eigenvalues (on the tangent space) give the index of a critical point.
#include <cstdint>
#include <memory>
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

class SphericalPSpin : public Objective {
 public:
  SphericalPSpin(Index n, int p, std::uint64_t seed, std::string spec);

  Index dim() const override { return n_; }
  std::string spec() const override { return spec_; }
  int p() const { return p_; }

  // Functions of a point σ on the sphere. σ is first rescaled to ‖σ‖² = N (σ ≠ 0).
  double energy(const Vec& sigma) const;              // H(σ)
  Vec euclidean_gradient(const Vec& sigma) const;     // ∇H(σ) (of the polynomial on R^N)
  Mat euclidean_hessian(const Vec& sigma) const;      // ∇²H(σ)
  Vec riemannian_gradient(const Vec& sigma) const;    // P ∇H(σ)
  // P ∇²H P − (σ·∇H/N) P as an N×N matrix: it maps σ to 0 (a spurious zero eigenvalue
  // along the normal); its other eigenvalues are those of the tangent-space Hessian.
  Mat riemannian_hessian(const Vec& sigma) const;
  // The same operator in an orthonormal basis of the tangent space ((N−1)×(N−1)); its
  // number of negative eigenvalues is the index of σ.
  Mat tangent_hessian(const Vec& sigma) const;
  // The p = 2 coupling matrix S (symmetric, N×N) with H(σ) = σᵀSσ; empty for p ≠ 2.
  Mat coupling_matrix() const;

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;
  Mat evaluate_hessian(const Vec& theta) const override;

 private:
  // The quantities every function of a point v ≠ 0 needs: s = ‖v‖, r = √N, the unit
  // vector u = v/s, the point x = r·u on the sphere ‖x‖² = N, M = M(x), w = M·x (so
  // H(x) = x·w) and the Euclidean gradient h = ∇H(x) = p·w. v = 0 is an error, worded
  // for θ of the scale-invariant F when `scale_invariant`, else for a point σ (whose
  // length is checked too).
  struct Frame {
    double s = 0, r = 0;
    Vec u, x;
    Mat m;
    Vec w, h;
  };
  Frame frame(const Vec& v, bool scale_invariant) const;
  Vec on_sphere(const Vec& sigma) const;
  // Contracts T with σ in its last p−2 slots: M(σ) = T[σ,…,σ,·,·] (N×N, symmetric).
  Mat contract_to_matrix(const Vec& sigma) const;

  Index n_;
  int p_;
  Vec tensor_;  // N^p entries, column-major multi-index i1 + N i2 + …, scaled
  std::string spec_;
};

struct SphericalPSpinParams {
  long dim = 50;  // N (dense tensor: N^p <= 1.3e8)
  long p = 3;     // 2, 3 or 4
  std::uint64_t seed = 0;
  static const ParamTable<SphericalPSpinParams>& table();
};

std::unique_ptr<SphericalPSpin> make_spherical_pspin(const SphericalPSpinParams& params = {});

RegistryEntry<ObjectivePtr> spherical_pspin_entry();

}  // namespace optdyn
