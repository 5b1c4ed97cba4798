// Coordinate descent and block coordinate descent (seed 001: "minimize w.r.t. one var at a
// time, or groups (block coord. descent); good when vars/groups are relatively isolated";
// Wright 2015, "Coordinate descent algorithms", Math. Program. 151:3). One optimizer step
// updates one block B (block = 1: one coordinate):
//
//   update=exact     θ_B ← θ_B − H_BB⁻¹ g_B,   H_BB = the B×B block of ∇²F(θ)
//                    (the exact minimiser over θ_B of F's local quadratic model: exact for a
//                    quadratic F, where cyclic single-coordinate steps are Gauss–Seidel on
//                    ∇²F θ = b — one sweep = D steps = one Gauss–Seidel iteration). H_BB comes
//                    from |B| Hessian-vector products with unit vectors e_j, j ∈ B. When H_BB
//                    is not positive definite (no minimiser along B) the step falls back to
//                    the gradient step below.
//   update=gradient  θ_B ← θ_B − lr·g_B   (block gradient step).
//
//   rule=cyclic      blocks 0, 1, …, nb−1, 0, 1, … (contiguous blocks of `block` coordinates,
//                    the last one shorter when block does not divide D);
//   rule=random      a block drawn uniformly with replacement from an Rng seeded with `seed`
//                    at reset (same seed ⇒ same sequence).
//
// Costs per step: the step loop's one FULL gradient evaluation (the oracle has no partial
// derivatives, so a coordinate step costs as much as a full gradient step; a sweep costs D
// gradients — honest for the oracle model, pessimistic for objectives whose partial
// derivatives are cheap), plus |B| HVPs and an O(|B|³) Cholesky for update=exact.
// A schedule scales lr (update=gradient and the fallback); gradient modifiers change g_B.
// State: "block" (a 1-vector: the index of the last block updated).
#include <Eigen/Cholesky>
#include <algorithm>

#include "optdyn/core/rng.hpp"
#include "optdyn/linalg/operator.hpp"
#include "optdyn/optimizers/coordinate_descent.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "symmetric_solve.hpp"

namespace optdyn {
namespace {

class BlockCoordinateDescent : public Optimizer {
 public:
  template <class P>
  BlockCoordinateDescent(const P& p, std::string spec, Index block)
      : Optimizer(std::move(spec), p.lr),
        block_(block),
        random_(p.rule == CoordinateDescentParams::Rule::random),
        exact_(p.update == CoordinateDescentParams::Update::exact),
        seed_(p.seed),
        rng_(seed_) {}

 protected:
  void reset_state(Index) override {
    last_block_.setConstant(1, -1.0);
    next_ = 0;
    rng_ = Rng(seed_);
  }
  // The exact block step θ_B −= H_BB⁻¹g_B has no step size (a schedule would be a silent
  // no-op) and pairs g with the objective's own H_BB (a modified g, e.g. weight decay, would
  // not be matched by H_BB): both are refused for update=exact.
  bool uses_step_size() const override { return !exact_; }
  bool accepts_transformed_gradient() const override { return !exact_; }
  std::vector<OracleAccess> required_access() const override {
    if (exact_) return {OracleAccess::hessian_vector};
    return {};
  }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    const Index d = theta.size();
    if (d == 0) return;
    const Index blocks = (d + block_ - 1) / block_;
    const Index b = random_ ? rng_.below(blocks) : next_;
    next_ = (next_ + 1) % blocks;
    last_block_[0] = static_cast<double>(b);
    const Index start = b * block_, size = std::min(block_, d - start);
    const Vec gb = g.segment(start, size);
    if (exact_) {
      const Mat hbb = block_hessian(theta, start, size);
      const Eigen::LLT<Mat> llt(hbb);
      if (llt.info() == Eigen::Success) {
        theta.segment(start, size) -= llt.solve(gb);
        return;
      }
    }
    theta.segment(start, size) -= eta * gb;
  }

  void collect_state(std::vector<StateView>& out) const override { out.push_back({"block", &last_block_}); }
  void archive_state(StateArchive& a) override {
    Optimizer::archive_state(a);
    const Index blocks = (dim() + block_ - 1) / block_;
    a.field("next", next_, 0, std::max<Index>(blocks - 1, 0));  // the cyclic rule's cursor
    a.field("rng", rng_);                                       // the random rule's stream
  }

 private:
  // H_BB from |B| HVPs with the unit vectors of the block.
  Mat block_hessian(const Vec& theta, Index start, Index size) {
    Vec e = Vec::Zero(theta.size()), column;
    return symmetric_part(dense_from_products(
        [&](const Vec& unit, Vec& block_column) {
          e.segment(start, size) = unit;
          oracle().hessian_vector(theta, e, column);
          block_column = column.segment(start, size);
        },
        size));
  }

  Index block_;
  bool random_, exact_;
  std::uint64_t seed_;
  Rng rng_;
  Index next_ = 0;
  Vec last_block_;
};

class CoordinateDescent final : public BlockCoordinateDescent {
 public:
  CoordinateDescent(const CoordinateDescentParams& p, std::string spec) : BlockCoordinateDescent(p, std::move(spec), 1) {}
};

class BlockCd final : public BlockCoordinateDescent {
 public:
  BlockCd(const BlockCoordinateDescentParams& p, std::string spec)
      : BlockCoordinateDescent(p, std::move(spec), p.block) {}
};

// The keys both entries share (after block).
template <class P>
void coordinate_keys(ParamTable<P>& t) {
  using Rule = CoordinateDescentParams::Rule;
  using Update = CoordinateDescentParams::Update;
  t.choice("rule", &P::rule, {{"cyclic", Rule::cyclic}, {"random", Rule::random}},
           "cyclic | random (uniform with replacement, seeded)")
      .seed("seed", &P::seed, "seed of the random rule")
      .choice("update", &P::update, {{"exact", Update::exact}, {"gradient", Update::gradient}},
              "exact (H_BB⁻¹g_B from |B| HVPs) | gradient (lr·g_B)")
      .real("lr", &P::lr, Range::positive(), "step of update=gradient and of the exact update's fallback");
}

}  // namespace

const ParamTable<CoordinateDescentParams>& CoordinateDescentParams::table() {
  static const auto t =
      ParamTable<CoordinateDescentParams>(
          "optimizer", "coordinate_descent",
          "one coordinate per step: exact θ_i −= g_i/H_ii (Gauss–Seidel on quadratics) or lr·g_i (seed 001)")
          .with(coordinate_keys<CoordinateDescentParams>);
  return t;
}

const ParamTable<BlockCoordinateDescentParams>& BlockCoordinateDescentParams::table() {
  using P = BlockCoordinateDescentParams;
  static const auto t =
      ParamTable<P>("optimizer", "block_coordinate_descent",
                    "one block per step: θ_B −= H_BB⁻¹g_B or lr·g_B, cyclic or seeded random (seed 001)")
          .integer("block", &P::block, 1, 1L << 40, "block size (contiguous coordinates)")
          .with(coordinate_keys<P>)
          .rule([](const P& p, const Spec&) {
            if (p.update == P::Update::exact && p.block > detail::kMaxDenseDimension)  // H_BB is formed densely
              detail::check_dense_dimension("block_coordinate_descent", "block", p.block,
                                            "use a smaller block or update=gradient");
          });
  return t;
}

OptimizerPtr make_coordinate_descent(const CoordinateDescentParams& params) {
  return make_typed_optimizer<CoordinateDescent>(params);
}
OptimizerPtr make_block_coordinate_descent(const BlockCoordinateDescentParams& params) {
  return make_typed_optimizer<BlockCd>(params);
}

std::vector<OptimizerEntry> coordinate_descent_entries() {
  return {typed_optimizer_entry<CoordinateDescent, CoordinateDescentParams>(),
          typed_optimizer_entry<BlockCd, BlockCoordinateDescentParams>()};
}

}  // namespace optdyn
