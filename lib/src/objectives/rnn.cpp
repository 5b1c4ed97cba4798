// The tanh RNN on the adding task; see rnn.hpp for the model, data and layout.
//
// Per sample (x_t the inputs, y the target, D_t = diag(1 − h_t²) = tanh′ at step t):
//   forward    a_t = W h_{t−1} + U x_t + b,  h_t = tanh(a_t),  e = vᵀh_T + c − y,  ℓ = ½e²
//   backward   δh_T = e v;  for t = T … 1:  δa_t = D_t δh_t,  ∂W += δa_t h_{t−1}ᵀ,
//              ∂U += δa_t x_tᵀ,  ∂b += δa_t,  δh_{t−1} = Wᵀ δa_t;   ∂v = e h_T,  ∂c = e
// The HVP applies Pearlmutter's R{·} = d/dr (·)(θ + r V)|_{r=0}, V = (dW, dU, db, dv, dc), to
// every line (Pearlmutter 1994, §4; R{tanh(a)} = D_t R{a}, R{D_t} = −2 diag(h_t) D_t R{a}):
//   R{a_t} = dW h_{t−1} + W R{h_{t−1}} + dU x_t + db,   R{h_t} = D_t R{a_t},   R{h_0} = 0
//   R{e} = dvᵀ h_T + vᵀ R{h_T} + dc
//   R{δh_T} = R{e} v + e dv
//   R{δa_t} = D_t R{δh_t} − 2 δh_t ⊙ h_t ⊙ R{h_t}
//   R{∂W} += R{δa_t} h_{t−1}ᵀ + δa_t R{h_{t−1}}ᵀ,  R{∂U} += R{δa_t} x_tᵀ,  R{∂b} += R{δa_t}
//   R{δh_{t−1}} = dWᵀ δa_t + Wᵀ R{δa_t}
//   R{∂v} = R{e} h_T + e R{h_T},  R{∂c} = R{e}
// and H·V is the mean over the batch of the R{∂·}.
#include "optdyn/objectives/rnn.hpp"

#include <Eigen/SVD>
#include <cmath>
#include <type_traits>
#include <utility>

#include "optdyn/core/random_orthogonal.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {
namespace {

using RowMat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// θ (or a direction, or a gradient) cut into W, U, b, v, c (rnn.hpp's layout).
template <class V>
struct Pieces {
  Eigen::Map<std::conditional_t<std::is_const_v<V>, const RowMat, RowMat>> w, u;
  Eigen::Map<std::conditional_t<std::is_const_v<V>, const Vec, Vec>> b, v;
  decltype(std::declval<V&>().data()) c;
  Pieces(V& theta, Index h)
      : w(theta.data(), h, h), u(theta.data() + h * h, h, 2), b(theta.data() + h * h + 2 * h, h),
        v(theta.data() + h * h + 3 * h, h), c(theta.data() + h * h + 4 * h) {}
};

// The mean over `batch` (empty: all n) as a list of sample indices.
std::vector<Index> samples_of(Batch batch, Index n) {
  if (!batch.empty()) return {batch.begin(), batch.end()};
  std::vector<Index> all(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
  return all;
}

}  // namespace

Rnn::Rnn(const RnnParams& p, std::string spec)
    : t_(p.steps), h_(p.hidden), n_(p.n), radius_(p.radius), spec_(std::move(spec)) {
  Rng rng = Rng::derived(p.seed, 0);
  values_.resize(t_, n_);
  first_.resize(static_cast<std::size_t>(n_));
  second_.resize(static_cast<std::size_t>(n_));
  targets_.resize(n_);
  const Index half = t_ / 2;
  for (Index i = 0; i < n_; ++i) {
    for (Index t = 0; t < t_; ++t) values_(t, i) = rng.uniform();
    // one marker in [1, half], one in (half, T]: y = u_{first} + u_{second}
    const Index a = 1 + rng.below(half), b = half + 1 + rng.below(t_ - half);
    first_[static_cast<std::size_t>(i)] = a;
    second_[static_cast<std::size_t>(i)] = b;
    targets_[i] = values_(a - 1, i) + values_(b - 1, i);
  }
}

std::vector<ParameterBlock> Rnn::parameter_blocks() const {
  using K = ParameterBlock::Kind;
  const Index h = h_;
  return {{"weight_hh", K::weight, 0, h, h},
          {"weight_ih", K::weight, h * h, h, 2},
          {"bias", K::bias, h * h + 2 * h, h, 1},
          {"weight_out", K::weight, h * h + 3 * h, 1, h},
          {"bias_out", K::bias, h * h + 4 * h, 1, 1}};
}

Mat Rnn::inputs(Index i) const {
  Mat x = Mat::Zero(2, t_);
  x.row(0) = values_.col(i).transpose();
  x(1, first_[static_cast<std::size_t>(i)] - 1) = 1.0;
  x(1, second_[static_cast<std::size_t>(i)] - 1) = 1.0;
  return x;
}

Vec Rnn::initial_point(std::uint64_t seed) const {
  Rng rng = Rng::derived(seed, 1);
  Vec theta = Vec::Zero(dim());
  Pieces<Vec> p(theta, h_);
  p.w = radius_ * haar_orthogonal(h_, rng);  // every singular value of W is ρ
  for (Index j = 0; j < h_; ++j)
    for (Index k = 0; k < 2; ++k) p.u(j, k) = rng.normal() / std::sqrt(2.0);  // N(0, 1/2)
  for (Index j = 0; j < h_; ++j) p.v[j] = rng.normal() / std::sqrt(static_cast<double>(h_));  // N(0, 1/H)
  return theta;
}

// h_t = tanh(W h_{t−1} + U x_t + b), h_0 = 0.
Mat Rnn::hidden_states(const Vec& theta, Index i) const {
  const Pieces<const Vec> p(theta, h_);
  const Mat x = inputs(i);
  Mat h = Mat::Zero(h_, t_ + 1);
  for (Index t = 1; t <= t_; ++t) h.col(t) = (p.w * h.col(t - 1) + p.u * x.col(t - 1) + p.b).array().tanh().matrix();
  return h;
}

// J_t = diag(1 − h_t²) W J_{t−1}, J_0 = I: ∂h_k/∂h_0 = Π_{t=k}^{1} diag(1 − h_t²) W.
Mat Rnn::hidden_jacobian(const Vec& theta, Index i, Index k) const {
  const Pieces<const Vec> p(theta, h_);
  const Mat h = hidden_states(theta, i);
  Mat j = Mat::Identity(h_, h_);
  for (Index t = 1; t <= k; ++t) j = (1.0 - h.col(t).array().square()).matrix().asDiagonal() * (p.w * j);
  return j;
}

double Rnn::hidden_jacobian_norm(const Vec& theta, Index i, Index k) const {
  return Eigen::JacobiSVD<Mat>(hidden_jacobian(theta, i, k)).singularValues()[0];
}

double Rnn::evaluate(const Vec& theta, Batch batch, Vec* gradient) const {
  const Pieces<const Vec> p(theta, h_);
  const std::vector<Index> samples = samples_of(batch, n_);
  const double scale = 1.0 / static_cast<double>(samples.size());
  Vec g = Vec::Zero(dim());
  Pieces<Vec> q(g, h_);
  double loss = 0;
  for (const Index i : samples) {
    const Mat x = inputs(i);
    const Mat h = hidden_states(theta, i);
    const double e = p.v.dot(h.col(t_)) + *p.c - targets_[i];  // ŷ − y
    loss += 0.5 * e * e;
    if (!gradient) continue;
    q.v += e * h.col(t_);
    *q.c += e;
    Vec dh = e * p.v;  // δh_T
    for (Index t = t_; t >= 1; --t) {
      const Vec da = dh.cwiseProduct((1.0 - h.col(t).array().square()).matrix());  // δa_t = D_t δh_t
      q.w.noalias() += da * h.col(t - 1).transpose();
      q.u.noalias() += da * x.col(t - 1).transpose();
      q.b += da;
      dh = p.w.transpose() * da;  // δh_{t−1} = Wᵀ δa_t
    }
  }
  if (gradient) *gradient = scale * g;
  return scale * loss;
}

void Rnn::evaluate_hvp(const Vec& theta, Batch batch, const Vec& dir, Vec& out) const {
  const Pieces<const Vec> p(theta, h_), d(dir, h_);
  const std::vector<Index> samples = samples_of(batch, n_);
  Vec hv = Vec::Zero(dim());
  Pieces<Vec> r(hv, h_);
  for (const Index i : samples) {
    const Mat x = inputs(i);
    const Mat h = hidden_states(theta, i);
    const Mat tanh_prime = 1.0 - h.array().square();  // column t: the diagonal of D_t
    // Forward: R{h_t} = D_t (dW h_{t−1} + W R{h_{t−1}} + dU x_t + db).
    Mat rh = Mat::Zero(h_, t_ + 1);
    for (Index t = 1; t <= t_; ++t)
      rh.col(t) = tanh_prime.col(t).cwiseProduct(d.w * h.col(t - 1) + p.w * rh.col(t - 1) + d.u * x.col(t - 1) + d.b);
    const double e = p.v.dot(h.col(t_)) + *p.c - targets_[i];
    const double re = d.v.dot(h.col(t_)) + p.v.dot(rh.col(t_)) + *d.c;  // R{e}
    r.v += re * h.col(t_) + e * rh.col(t_);
    *r.c += re;
    Vec dh = e * p.v, rdh = re * p.v + e * d.v;  // δh_T, R{δh_T}
    for (Index t = t_; t >= 1; --t) {
      const Vec da = dh.cwiseProduct(tanh_prime.col(t));
      const Vec rda = rdh.cwiseProduct(tanh_prime.col(t)) - 2.0 * dh.cwiseProduct(h.col(t)).cwiseProduct(rh.col(t));
      r.w.noalias() += rda * h.col(t - 1).transpose() + da * rh.col(t - 1).transpose();
      r.u.noalias() += rda * x.col(t - 1).transpose();
      r.b += rda;
      rdh = d.w.transpose() * da + p.w.transpose() * rda;  // R{δh_{t−1}}
      dh = p.w.transpose() * da;
    }
  }
  out = hv / static_cast<double>(samples.size());
}

namespace {
std::unique_ptr<Rnn> build_rnn(const RnnParams& p, std::string spec) { return std::make_unique<Rnn>(p, std::move(spec)); }
}  // namespace

const ParamTable<RnnParams>& RnnParams::table() {
  using P = RnnParams;
  static const auto t =
      ParamTable<P>("objective", "rnn",
                    "tanh RNN h_t = tanh(W h_{t−1} + U x_t + b), ŷ = vᵀh_T + c, F = mean ½(ŷ − y)², on the adding task "
                    "(Hochreiter & Schmidhuber 1997): y = sum of the two marked inputs of T; exact BPTT gradient and "
                    "R-operator HVP")
          .integer("steps", &P::steps, 2, 100000, "T: sequence length")
          .integer("hidden", &P::hidden, 1, 4096, "H: hidden units")
          .integer("n", &P::n, 1, 10'000'000, "number of sequences")
          .real("radius", &P::radius, Range::closed(0.0, 1e6),
                "ρ: spectral radius of W at Rnn::initial_point (W = ρQ, Q Haar orthogonal); F does not depend on it")
          .seed("seed", &P::seed, "seed of the data");
  return t;
}

std::unique_ptr<Rnn> make_rnn(const RnnParams& params) { return make_typed_objective(params, build_rnn); }
RegistryEntry<ObjectivePtr> rnn_entry() { return typed_objective_entry<RnnParams>(build_rnn); }

}  // namespace optdyn
