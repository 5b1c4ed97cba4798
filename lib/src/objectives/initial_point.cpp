#include "optdyn/objectives/initial_point.hpp"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/random_orthogonal.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/spec.hpp"
#include "optdyn/core/text.hpp"

namespace optdyn {
namespace {

constexpr std::string_view kSchemes = "gaussian|uniform|xavier|he|orthogonal";

// Blanks around numbers, list entries and file lines (\r: files with CRLF line ends).
constexpr std::string_view kBlanks = " \t\r";

// Largest --x0 file read: 1 GiB (a vector of 1e8 doubles in text is ~2.5 GB, and no
// objective here has that many parameters).
constexpr std::uintmax_t kMaxVectorFileBytes = std::uintmax_t{1} << 30;

bool parse_number(std::string_view text, double& out) { return parse_double(trim(text, kBlanks), out); }

bool looks_like_number_list(std::string_view spec) {
  if (trim(spec, kBlanks).empty()) return false;
  for (char c : spec)
    if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E' || c == ',' ||
          c == ' ' || c == '\t'))
      return false;
  return true;
}

Vec parse_number_list(std::string_view spec) {
  std::vector<double> values;
  std::size_t start = 0, entry = 1;
  while (true) {
    const std::size_t comma = spec.find(',', start);
    const std::string_view item = spec.substr(start, comma == std::string_view::npos ? spec.npos : comma - start);
    double x;
    if (!parse_number(item, x))
      throw InputError("x0: list entry " + std::to_string(entry) + " '" + std::string(trim(item, kBlanks)) +
                       "' is not a finite number");
    values.push_back(x);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
    ++entry;
  }
  return Eigen::Map<const Vec>(values.data(), static_cast<Index>(values.size()));
}

// Only a regular file below the size cap is read, so that a directory, a device such as
// /dev/zero or a pipe, or a huge file fails at once instead of hanging or exhausting memory.
// Whether `text` names something that exists; false when it cannot name a file at all (a
// component longer than NAME_MAX: the throwing overload of exists() would escape as an
// internal error, found by tests/fuzz/x0_fuzz.cpp).
bool names_existing_file(std::string_view text) {
  std::error_code ec;
  return std::filesystem::exists(std::string(text), ec);
}

Vec read_vector_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw InputError("x0: cannot open file '" + path + "'");
  if (std::filesystem::is_directory(status)) throw InputError("x0: '" + path + "' is a directory, not a file");
  if (!std::filesystem::is_regular_file(status))
    throw InputError("x0: '" + path + "' is not a regular file (devices and pipes are not read)");
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError("x0: cannot read the size of file '" + path + "': " + ec.message());
  if (size > kMaxVectorFileBytes)
    throw InputError("x0: file '" + path + "' has " + std::to_string(size) + " bytes, more than the limit of " +
                     std::to_string(kMaxVectorFileBytes) + " (1 GiB)");
  std::ifstream in(path);
  if (!in) throw InputError("x0: cannot open file '" + path + "'");
  std::vector<double> values;
  std::string line;
  long number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view content = line;
    if (const std::size_t hash = content.find('#'); hash != std::string_view::npos) content = content.substr(0, hash);
    content = trim(content, kBlanks);
    if (content.empty()) continue;
    double x;
    if (!parse_number(content, x))
      throw InputError("x0: file '" + path + "' line " + std::to_string(number) + ": '" + std::string(content) +
                       "' is not a finite number");
    values.push_back(x);
  }
  if (in.bad()) throw InputError("x0: error reading file '" + path + "'");
  if (values.empty()) throw InputError("x0: file '" + path + "' contains no numbers");
  return Eigen::Map<const Vec>(values.data(), static_cast<Index>(values.size()));
}

}  // namespace

void initialise_block(std::string_view scheme, const ParameterBlock& block, double gain, double bias,
                      std::uint64_t seed, std::uint64_t stream, Eigen::Ref<Vec> out) {
  if (block.kind == ParameterBlock::Kind::bias) {
    out.setConstant(bias);
    return;
  }
  Rng rng = Rng::derived(seed, stream);
  const bool weight = block.kind == ParameterBlock::Kind::weight;
  const double fan_in = weight ? static_cast<double>(block.cols) : 1.0;
  const double fan_out = weight ? static_cast<double>(block.rows) : 1.0;
  const Index n = out.size();
  if (scheme == "gaussian" || scheme == "xavier" || scheme == "he") {
    // he: σ = gain·√(2/fan_in), i.e. `gain` multiplies He's √2 (gain = 1 is He et al.).
    // PyTorch's kaiming_normal_ instead takes a gain that replaces √2 (σ = gain/√fan_in).
    const double sigma = scheme == "gaussian" ? gain / std::sqrt(fan_in)
                         : scheme == "xavier" ? gain * std::sqrt(2.0 / (fan_in + fan_out))
                                              : gain * std::sqrt(2.0 / fan_in);
    for (Index i = 0; i < n; ++i) out[i] = sigma * rng.normal();
  } else if (scheme == "uniform") {
    const double a = gain * std::sqrt(3.0 / fan_in);
    for (Index i = 0; i < n; ++i) out[i] = rng.uniform(-a, a);
  } else if (scheme == "orthogonal") {
    if (!weight) {
      for (Index i = 0; i < n; ++i) out[i] = rng.rademacher_sign() ? gain : -gain;
      return;
    }
    const Mat q = haar_orthogonal(block.rows, block.cols, rng);
    // θ stores the block row-major (rows = fan_out, cols = fan_in).
    for (Index i = 0; i < block.rows; ++i)
      for (Index j = 0; j < block.cols; ++j) out[i * block.cols + j] = gain * q(i, j);
  } else {
    throw InputError("x0: unknown scheme '" + std::string(scheme) + "' (schemes: " + std::string(kSchemes) + ")");
  }
}

const ParamTable<InitParams>& InitParams::table() {
  using P = InitParams;
  static const auto t = ParamTable<P>("x0 init", "init", "random initialisation, block by block")
                            .real("gain", &P::gain, Range::any(), "scale of the weights")
                            .seed("seed", &P::seed, "random seed")
                            .real("bias", &P::bias, Range::any(), "constant for bias blocks")
                            .rule([](const P& p, const Spec& s) {
                              if (p.gain < 0) s.reject("gain", s.text("gain") + " must be >= 0");
                            });
  return t;
}

std::string_view init_scheme_name(InitParams::Scheme scheme) {
  using S = InitParams::Scheme;
  switch (scheme) {
    case S::gaussian: return "gaussian";
    case S::uniform: return "uniform";
    case S::xavier: return "xavier";
    case S::he: return "he";
    case S::orthogonal: return "orthogonal";
  }
  return "?";
}

InitParams::Scheme parse_init_scheme(std::string_view name) {
  for (auto s : {InitParams::Scheme::gaussian, InitParams::Scheme::uniform, InitParams::Scheme::xavier,
                 InitParams::Scheme::he, InitParams::Scheme::orthogonal})
    if (name == init_scheme_name(s)) return s;
  throw InputError("x0: unknown init scheme '" + std::string(name) + "' (schemes: " + std::string(kSchemes) + ")");
}

std::string init_spec(const InitParams& init) {
  // The table's `init:gain=...` with the scheme in place of its name.
  const std::string keys = InitParams::table().to_spec(init);
  return "init:" + std::string(init_scheme_name(init.scheme)) + "," + keys.substr(keys.find(':') + 1);
}

InitParams parse_init_spec(std::string_view text) {
  text = trim(text, kBlanks);
  if (!text.starts_with("init:")) throw InputError("x0: '" + std::string(text) + "' is not an init: spec");
  // `init:SCHEME,key=value,...` is parsed as the spec `SCHEME:key=value,...`.
  std::string rest(text.substr(5));
  const std::size_t comma = rest.find(',');
  if (comma != std::string::npos) rest[comma] = ':';
  Spec spec = Spec::parse(rest, "x0 init");
  const InitParams::Scheme scheme = parse_init_scheme(spec.name());
  spec.apply_schema(InitParams::table().info());
  InitParams p = InitParams::table().from_spec(spec);
  p.scheme = scheme;
  return p;
}

Vec initial_point(const InitParams& init, const Objective& f) {
  const InitParams p = parse_init_spec(init_spec(init));  // the checks of the spec text
  const Index d = f.dim();
  const std::string_view scheme = init_scheme_name(p.scheme);
  Vec x = Vec::Zero(d);
  const std::vector<ParameterBlock> blocks = f.parameter_blocks();
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    const ParameterBlock& b = blocks[k];
    if (b.offset < 0 || b.size() < 0 || b.offset + b.size() > d)
      throw std::logic_error("objective '" + f.spec() + "': parameter block '" + b.name + "' outside θ");
    initialise_block(scheme, b, p.gain, p.bias, p.seed, k, x.segment(b.offset, b.size()));
  }
  return x;
}

Vec initial_point(std::string_view spec_text, const Objective& f) {
  const std::string_view text = trim(spec_text, kBlanks);
  const Index d = f.dim();
  Vec x;
  if (text.empty()) {
    throw InputError("x0: empty spec (expected zeros, init:SCHEME,..., a number list or a file)");
  } else if (text == "zeros") {
    x = Vec::Zero(d);
  } else if (text.starts_with("init:")) {
    x = initial_point(parse_init_spec(text), f);
  } else if (looks_like_number_list(text) ||
             (text.find(',') != std::string_view::npos && !names_existing_file(text))) {
    x = parse_number_list(text);
  } else {
    x = read_vector_file(std::string(text));
  }
  if (x.size() != d)
    throw InputError("x0: has length " + std::to_string(x.size()) + ", objective '" + f.spec() + "' has dimension " +
                     std::to_string(d));
  return x;
}

}  // namespace optdyn
