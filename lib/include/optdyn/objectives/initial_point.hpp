#pragma once
// Initial points from `--x0` specs (doc/design.md, "The optdyn tool").
//
//   zeros                        θ = 0
//   init:SCHEME[,gain=G][,seed=S][,bias=B]
//                                random initialisation, block by block (see below);
//                                defaults gain=1, seed=0, bias=0
//   0.5,-1,2                     an explicit comma-separated list of numbers
//   PATH                         a text file, one number per line; blank lines and
//                                '#' comments (whole-line or trailing) are ignored.
//                                It must be a regular file of at most 1 GiB (a
//                                directory, device or pipe is an error, not read)
//
// How a spec string is classified, in this order: exactly `zeros`; a prefix `init:`; a
// string made only of the characters `0-9 + - . e E , space tab` is a number list; a string
// containing a comma that is not an existing file is a number list too (so that `1,x,3`
// reports its bad entry); anything else is a file path. A file whose name looks like a
// number list is reached with a path prefix such as `./1.5`.
//
// Schemes, applied to each ParameterBlock of f.parameter_blocks(). For a weight block,
// fan_out = rows and fan_in = cols (PyTorch's out × in layout):
//   gaussian    W_ij ~ N(0, σ²),  σ = gain / √fan_in          (LeCun-style scaling)
//   uniform     W_ij ~ U(−a, a),  a = gain · √(3 / fan_in)    (same variance as gaussian)
//   xavier      W_ij ~ N(0, σ²),  σ = gain · √(2 / (fan_in + fan_out))
//               (Glorot & Bengio 2010, the normal variant)
//   he          W_ij ~ N(0, σ²),  σ = gain · √(2 / fan_in)    (He et al. 2015)
//               NB: `gain` multiplies He's √2 (gain = 1 is He's ReLU scaling). This differs
//               from PyTorch's kaiming_normal_, where the gain REPLACES √2 (σ = gain/√fan_in,
//               gain = √2 for ReLU): PyTorch's kaiming_normal_ with gain g equals he with
//               gain g/√2 here, or gaussian with gain g.
//   orthogonal  W = gain · Q with Q Haar-distributed orthogonal (Saxe, McClelland & Ganguli
//               2013): Q from the QR factorisation of a standard Gaussian matrix, columns
//               multiplied by sign(diag R) (Mezzadri 2007), which makes Q exactly Haar.
//               Rectangular blocks are semi-orthogonal: WᵀW = gain² I when rows ≥ cols,
//               WWᵀ = gain² I when rows < cols.
// Bias blocks (Kind::bias) are filled with the constant `bias` under every scheme.
// Vector blocks (Kind::vector, e.g. the single block "theta" of a plain objective) are
// treated as independent scalars, fan_in = fan_out = 1: gaussian and xavier give N(0, gain²),
// uniform U(−√3 gain, √3 gain), he N(0, 2 gain²), orthogonal ±gain with random signs
// (a 1×1 orthogonal matrix is ±1).
//
// Randomness: block k (in parameter_blocks() order) draws from Rng::derived(seed, k), so
// the same seed gives the same θ on every platform, and a block's values do not depend
// on the shapes of the blocks before it.
//
// Errors are InputErrors with one-line messages starting "x0: ...", naming the key, file
// and line, or list entry; a wrong length gives
// "x0: has length N, objective 'SPEC' has dimension D".
#include <cstdint>
#include <string>
#include <string_view>

#include "optdyn/core/params.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

Vec initial_point(std::string_view spec, const Objective& f);

// `init:SCHEME[,gain=G][,seed=S][,bias=B]` as a struct. The scheme is the spec's name; the
// table (kind "x0 init") declares gain (>= 0), seed and bias.
struct InitParams {
  enum class Scheme { gaussian, uniform, xavier, he, orthogonal };
  Scheme scheme = Scheme::gaussian;
  double gain = 1;
  std::uint64_t seed = 0;
  double bias = 0;
  static const ParamTable<InitParams>& table();
};

std::string_view init_scheme_name(InitParams::Scheme scheme);
// "gaussian" | "uniform" | "xavier" | "he" | "orthogonal"; InputError "x0: unknown init scheme ..." otherwise.
InitParams::Scheme parse_init_scheme(std::string_view name);
// `init:SCHEME,gain=G,seed=S,bias=B` with every key, and back (the InputErrors of initial_point:
// unknown scheme or key, bad values).
std::string init_spec(const InitParams& init);
InitParams parse_init_spec(std::string_view spec);
// θ from the scheme, block by block: the same as initial_point(init_spec(init), f), and the same
// InputErrors (e.g. "x0 init 'gaussian': key 'gain': -1 must be >= 0").
Vec initial_point(const InitParams& init, const Objective& f);

// One block's initialisation (exposed for tests and for experiments that build their own
// layouts): fills `out` (rows × cols, row-major in θ order) for the given scheme.
// `kind` decides fan-in/fan-out as described above; bias blocks get `bias`.
void initialise_block(std::string_view scheme, const ParameterBlock& block, double gain, double bias,
                      std::uint64_t seed, std::uint64_t stream, Eigen::Ref<Vec> out);

}  // namespace optdyn
