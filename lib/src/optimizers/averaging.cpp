// Polyak–Ruppert iterate averaging (Polyak & Juditsky 1992; Ruppert 1988), composable with
// any optimizer (modifier.hpp):
//   average:start=s   state "average" = θ_t for t ≤ s, then the running mean
//                     (1/(t−s)) Σ_{k=s+1..t} θ_k of the iterates after step s.
// The optimizer's iterate θ itself is unchanged; read the average with state("average").
#include "optdyn/optimizers/averaging.hpp"

namespace optdyn {
namespace {

class Average : public Modifier {
 public:
  Average(const AverageParams& p, std::string spec) : spec_(std::move(spec)), start_(static_cast<std::uint64_t>(p.start)) {}
  std::string spec() const override { return spec_; }
  void reset(Index dim) override { average_.setZero(dim); }
  void after_step(const Vec& theta, std::uint64_t t) override {
    if (t <= start_) {
      average_ = theta;
    } else {
      const double w = 1.0 / static_cast<double>(t - start_);
      average_ += w * (theta - average_);
    }
  }
  void collect_state(std::vector<StateView>& out) const override { out.push_back({"average", &average_}); }
  void archive(StateArchive& a) override { a.field("average", average_); }

 private:
  std::string spec_;
  std::uint64_t start_;
  Vec average_;
};

}  // namespace

const ParamTable<AverageParams>& AverageParams::table() {
  static const auto t =
      ParamTable<AverageParams>("modifier", "average",
                                "Polyak–Ruppert averaging: state 'average' = mean of the iterates after step start")
          .integer("start", &AverageParams::start, 0, 1L << 62, "steps before averaging begins (burn-in)");
  return t;
}

ModifierPtr make_average(const AverageParams& params) { return make_typed_modifier<Average>(params); }

RegistryEntry<ModifierPtr> averaging_entry() { return typed_modifier_entry<Average, AverageParams>(); }

}  // namespace optdyn
