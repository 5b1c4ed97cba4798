#pragma once
// The build that produced a result: the manifest records it, and a checkpoint refuses to
// resume under another build, whose arithmetic may round differently (README, "Checkpoints
// and resume"). The values are compile definitions of the harness (experiments/CMakeLists.txt).
#include <string>

namespace optdyn::harness {

struct BuildInfo {
  std::string git_commit;  // "unknown" outside a git checkout
  std::string build_type;  // CMAKE_BUILD_TYPE
  std::string compiler;    // id and version
  std::string blas;        // product backend and its thread count (core/blas.hpp)
  // All of the above in one line, e.g. "3f2a… Release GNU 12.2.0 openblas/1".
  std::string identity() const;
};

const BuildInfo& build_info();

}  // namespace optdyn::harness
