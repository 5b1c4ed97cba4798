// --x0 specs (optdyn/objectives/initial_point.hpp): zeros, init:SCHEME (per parameter block),
// number lists, files; statistics of every scheme, orthogonality, determinism, errors.
#define BOOST_TEST_MODULE initial_point
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/objective.hpp"

namespace fs = std::filesystem;
using namespace optdyn;

namespace {

// An objective that is only a parameter layout (F = 0).
class LayoutObjective : public Objective {
 public:
  explicit LayoutObjective(std::vector<ParameterBlock> blocks) : blocks_(std::move(blocks)) {
    for (auto& b : blocks_) {
      b.offset = dim_;
      dim_ += b.size();
    }
  }
  // A plain vector of length d (the default single "theta" block).
  static LayoutObjective vector(Index d) {
    LayoutObjective f({});
    f.dim_ = d;
    f.plain_ = true;
    return f;
  }
  Index dim() const override { return dim_; }
  std::string spec() const override { return "layout"; }
  std::vector<ParameterBlock> parameter_blocks() const override {
    return plain_ ? Objective::parameter_blocks() : blocks_;
  }

 protected:
  double evaluate(const Vec& theta, Batch, Vec* gradient) const override {
    if (gradient) *gradient = Vec::Zero(theta.size());
    return 0.0;
  }
  void evaluate_hvp(const Vec& theta, Batch, const Vec&, Vec& out) const override { out = Vec::Zero(theta.size()); }

 private:
  std::vector<ParameterBlock> blocks_;
  Index dim_ = 0;
  bool plain_ = false;
};

ParameterBlock weight(const std::string& name, Index fan_out, Index fan_in) {
  return {name, ParameterBlock::Kind::weight, 0, fan_out, fan_in};
}
ParameterBlock bias(const std::string& name, Index n) { return {name, ParameterBlock::Kind::bias, 0, n, 1}; }

// A small MLP-like layout: tall, wide and square weights with biases.
LayoutObjective mlp_layout() {
  return LayoutObjective({weight("0.weight", 30, 20), bias("0.bias", 30), weight("1.weight", 10, 30),
                          bias("1.bias", 10), weight("2.weight", 25, 25), bias("2.bias", 25)});
}

// The block as a (rows × cols) matrix; θ stores it row-major.
Mat block_matrix(const Vec& x, const ParameterBlock& b) {
  Mat m(b.rows, b.cols);
  for (Index i = 0; i < b.rows; ++i)
    for (Index j = 0; j < b.cols; ++j) m(i, j) = x[b.offset + i * b.cols + j];
  return m;
}

struct Moments {
  double mean = 0, variance = 0;
};
Moments moments(const Eigen::Ref<const Vec>& v) {
  Moments m;
  m.mean = v.mean();
  m.variance = (v.array() - m.mean).square().sum() / static_cast<double>(v.size() - 1);
  return m;
}

fs::path write_temp(const std::string& name, const std::string& content) {
  const fs::path p = fs::temp_directory_path() / ("optdyn-x0-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p) << content;
  return p;
}

std::string error_of(const std::string& spec, const Objective& f) {
  try {
    initial_point(spec, f);
  } catch (const InputError& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find('\n') == std::string::npos);
    return what;
  }
  BOOST_ERROR("no InputError for x0 '" << spec << "'");
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(zeros_list_and_file) {
  const auto f = LayoutObjective::vector(3);
  BOOST_TEST(initial_point("zeros", f).isZero(0.0));
  const Vec list = initial_point("0.5,-1, 2e0", f);
  BOOST_TEST(list[0] == 0.5);
  BOOST_TEST(list[1] == -1.0);
  BOOST_TEST(list[2] == 2.0);
  const fs::path file = write_temp("ok.txt", "# a point\n1.25\n\n  -3   # trailing comment\n4e-3\n");
  const Vec from_file = initial_point(file.string(), f);
  BOOST_TEST(from_file[0] == 1.25);
  BOOST_TEST(from_file[1] == -3.0);
  BOOST_TEST(from_file[2] == 4e-3);
  fs::remove(file);
}

BOOST_AUTO_TEST_CASE(errors_name_what_is_wrong) {
  const auto f = LayoutObjective::vector(3);
  BOOST_TEST(error_of("1,2", f) == "x0: has length 2, objective 'layout' has dimension 3");
  BOOST_TEST(error_of("1,2,3,4", f) == "x0: has length 4, objective 'layout' has dimension 3");
  BOOST_TEST(error_of("1,,3", f).find("entry 2") != std::string::npos);
  BOOST_TEST(error_of("1,2,3e", f).find("entry 3") != std::string::npos);
  BOOST_TEST(error_of("", f).find("empty") != std::string::npos);
  BOOST_TEST(error_of("/no/such/x0.txt", f).find("'/no/such/x0.txt'") != std::string::npos);
  BOOST_TEST(error_of("init:nosuch", f).find("'nosuch'") != std::string::npos);
  BOOST_TEST(error_of("init:gaussian,gian=2", f).find("'gian'") != std::string::npos);
  BOOST_TEST(error_of("init:gaussian,gain=-1", f).find("'gain'") != std::string::npos);
  BOOST_TEST(error_of("init:gaussian,gain=x", f).find("'gain'") != std::string::npos);
  BOOST_TEST(error_of("init:he,seed=-4", f).find("'seed'") != std::string::npos);
  BOOST_TEST(error_of("init:he,seed", f).find("seed") != std::string::npos);
  const fs::path bad = write_temp("bad.txt", "1\n# fine\n2\nthree\n");
  const std::string message = error_of(bad.string(), f);
  BOOST_TEST(message.find("'" + bad.string() + "'") != std::string::npos);
  BOOST_TEST(message.find("line 4") != std::string::npos);
  fs::remove(bad);
  const fs::path empty = write_temp("empty.txt", "# nothing\n\n");
  BOOST_TEST(error_of(empty.string(), f).find("no numbers") != std::string::npos);
  fs::remove(empty);
  const fs::path short_file = write_temp("short.txt", "1\n2\n");
  BOOST_TEST(error_of(short_file.string(), f) == "x0: has length 2, objective 'layout' has dimension 3");
  fs::remove(short_file);
}

// Only regular files below 1 GiB are read: a directory, a device (which never ends) and a
// huge file fail at once with one line, instead of hanging or exhausting memory.
BOOST_AUTO_TEST_CASE(x0_file_must_be_a_small_regular_file) {
  const auto f = LayoutObjective::vector(3);
  const fs::path dir = fs::temp_directory_path() / ("optdyn-x0-dir-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  BOOST_TEST(error_of(dir.string(), f) == "x0: '" + dir.string() + "' is a directory, not a file");
  fs::remove(dir);
  if (fs::exists("/dev/zero"))
    BOOST_TEST(error_of("/dev/zero", f).find("not a regular file") != std::string::npos);
  // A sparse file one byte over the cap: nothing is read.
  const fs::path huge = write_temp("huge.txt", "1\n");
  fs::resize_file(huge, (std::uintmax_t{1} << 30) + 1);
  const std::string message = error_of(huge.string(), f);
  BOOST_TEST(message.find("'" + huge.string() + "'") != std::string::npos);
  BOOST_TEST(message.find("limit") != std::string::npos);
  fs::remove(huge);
}

BOOST_AUTO_TEST_CASE(orthogonal_blocks_are_semi_orthogonal_times_gain) {
  const auto f = mlp_layout();
  for (double gain : {1.0, 0.5, 1.5}) {
    const Vec x = initial_point("init:orthogonal,gain=" + std::to_string(gain) + ",seed=3,bias=0.25", f);
    for (const ParameterBlock& b : f.parameter_blocks()) {
      if (b.kind == ParameterBlock::Kind::bias) {
        BOOST_TEST((x.segment(b.offset, b.size()).array() == 0.25).all());
        continue;
      }
      const Mat w = block_matrix(x, b);
      // rows ≥ cols: WᵀW = gain² I; rows < cols: WWᵀ = gain² I.
      const Mat gram = b.rows >= b.cols ? Mat(w.transpose() * w) : Mat(w * w.transpose());
      const Mat expected = gain * gain * Mat::Identity(gram.rows(), gram.cols());
      BOOST_TEST((gram - expected).cwiseAbs().maxCoeff() < 1e-12, b.name << " gain " << gain);
    }
  }
}

// Haar measure (Mezzadri 2007): for Q uniform on O(n), E[tr Q] = 0 and E[Q_11²] = 1/n,
// Var(tr Q) = 1. Without the sign fix, QR-based Q is biased (e.g. E[tr Q] ≠ 0).
BOOST_AUTO_TEST_CASE(orthogonal_is_haar_distributed) {
  const Index n = 4;
  const int samples = 4000;
  const auto f = LayoutObjective({weight("w", n, n)});
  double trace_sum = 0, q11_sq_sum = 0;
  for (int s = 0; s < samples; ++s) {
    const Mat q = block_matrix(initial_point("init:orthogonal,seed=" + std::to_string(s), f), f.parameter_blocks()[0]);
    trace_sum += q.trace();
    q11_sq_sum += q(0, 0) * q(0, 0);
  }
  const double se_trace = 1.0 / std::sqrt(samples);  // sd(tr Q) = 1
  BOOST_TEST(std::abs(trace_sum / samples) < 5 * se_trace);
  // Q_11² ~ Beta(1/2, (n−1)/2): variance 2(n−1)/(n²(n+2)).
  const double se_q11 = std::sqrt(2.0 * (n - 1) / (n * n * (n + 2.0)) / samples);
  BOOST_TEST(std::abs(q11_sq_sum / samples - 1.0 / n) < 5 * se_q11);
}

// Empirical mean and variance of each scheme against its formula, within 5 standard errors.
BOOST_AUTO_TEST_CASE(scheme_variances_match_their_formulas) {
  const Index fan_out = 300, fan_in = 100;
  const auto f = LayoutObjective({weight("w", fan_out, fan_in), bias("b", fan_out)});
  const double gain = 1.7;
  const double n = static_cast<double>(fan_out * fan_in);
  struct Case {
    std::string scheme;
    double variance;
    double kurtosis;  // E[x⁴]/σ⁴: 3 for a normal, 9/5 for a uniform
  };
  const std::vector<Case> cases = {
      {"gaussian", gain * gain / fan_in, 3.0},
      {"uniform", gain * gain / fan_in, 1.8},
      {"xavier", gain * gain * 2.0 / (fan_in + fan_out), 3.0},
      {"he", gain * gain * 2.0 / fan_in, 3.0},
      {"orthogonal", gain * gain / fan_out, 3.0},  // tall Q: columns unit-norm ⇒ E[Q_ij²] = 1/rows
  };
  for (const Case& c : cases) {
    const Vec x = initial_point("init:" + c.scheme + ",gain=1.7,seed=11,bias=-0.5", f);
    const Moments m = moments(x.head(fan_out * fan_in));
    const double se_variance = c.variance * std::sqrt((c.kurtosis - 1.0) / n);
    BOOST_TEST(std::abs(m.variance - c.variance) < 5 * se_variance,
               c.scheme << ": variance " << m.variance << " expected " << c.variance);
    BOOST_TEST(std::abs(m.mean) < 5 * std::sqrt(c.variance / n), c.scheme << ": mean " << m.mean);
    BOOST_TEST((x.tail(fan_out).array() == -0.5).all(), c.scheme << ": bias");
  }
  const Vec u = initial_point("init:uniform,gain=1.7,seed=11", f);
  const double a = gain * std::sqrt(3.0 / fan_in);
  BOOST_TEST(u.head(fan_out * fan_in).cwiseAbs().maxCoeff() <= a);
  BOOST_TEST(u.head(fan_out * fan_in).cwiseAbs().maxCoeff() > 0.99 * a);
}

// Vector blocks: fan_in = fan_out = 1.
BOOST_AUTO_TEST_CASE(vector_blocks_use_unit_fans) {
  const Index d = 20000;
  const auto f = LayoutObjective::vector(d);
  const double gain = 0.8;
  const auto variance_of = [&](const std::string& scheme) {
    return moments(initial_point("init:" + scheme + ",gain=0.8,seed=5", f)).variance;
  };
  const double tolerance = 5 * std::sqrt(2.0 / d);
  BOOST_TEST(std::abs(variance_of("gaussian") / (gain * gain) - 1) < tolerance);
  BOOST_TEST(std::abs(variance_of("xavier") / (gain * gain) - 1) < tolerance);
  BOOST_TEST(std::abs(variance_of("uniform") / (gain * gain) - 1) < tolerance);
  BOOST_TEST(std::abs(variance_of("he") / (2 * gain * gain) - 1) < tolerance);
  const Vec o = initial_point("init:orthogonal,gain=0.8,seed=5", f);
  BOOST_TEST((o.cwiseAbs().array() == gain).all());
  BOOST_TEST(std::abs(o.mean()) < 5 * gain / std::sqrt(d));
}

BOOST_AUTO_TEST_CASE(deterministic_and_seeded) {
  const auto f = mlp_layout();
  for (const char* scheme : {"gaussian", "uniform", "xavier", "he", "orthogonal"}) {
    const std::string spec = std::string("init:") + scheme + ",seed=9";
    const Vec a = initial_point(spec, f), b = initial_point(spec, f);
    BOOST_TEST((a.array() == b.array()).all(), scheme);
    const Vec c = initial_point(std::string("init:") + scheme + ",seed=10", f);
    BOOST_TEST((a.array() != c.array()).any(), scheme);
    // Key order and spacing do not matter; defaults are gain=1, seed=0, bias=0.
    BOOST_TEST((initial_point(std::string("init:") + scheme + ", gain=1 ,seed=9", f).array() == a.array()).all());
    BOOST_TEST((initial_point(std::string("init:") + scheme, f).array() ==
                initial_point(std::string("init:") + scheme + ",gain=1,seed=0,bias=0", f).array())
                   .all());
  }
  // Block k draws from its own stream: the same block gives the same values whatever precedes it.
  const auto alone = LayoutObjective({weight("w", 10, 30)});
  const auto after_other = LayoutObjective({weight("v", 7, 3), weight("w", 10, 30)});
  Vec direct(300);
  initialise_block("gaussian", after_other.parameter_blocks()[1], 1.0, 0.0, 4, 1, direct);
  BOOST_TEST((initial_point("init:gaussian,seed=4", after_other).tail(300).array() == direct.array()).all());
  BOOST_TEST((initial_point("init:gaussian,seed=4", alone).array() != direct.array()).any());
}

// gain multiplies every weight (the same random draws for every gain).
BOOST_AUTO_TEST_CASE(scale_of_gain_is_linear) {
  const auto f = mlp_layout();
  for (const char* scheme : {"gaussian", "uniform", "xavier", "he", "orthogonal"}) {
    const Vec one = initial_point(std::string("init:") + scheme + ",seed=2", f);
    const Vec three = initial_point(std::string("init:") + scheme + ",seed=2,gain=3", f);
    BOOST_TEST((three - 3 * one).cwiseAbs().maxCoeff() < 1e-12, scheme);
  }
}
