#include "harness/build_info.hpp"

#include "optdyn/core/blas.hpp"

#include "optdyn_git_commit.hpp"  // OPTDYN_GIT_COMMIT, written at build time (cmake/git_commit.cmake)
#ifndef OPTDYN_BUILD_TYPE
#define OPTDYN_BUILD_TYPE "unknown"
#endif
#ifndef OPTDYN_COMPILER
#define OPTDYN_COMPILER "unknown"
#endif

namespace optdyn::harness {

std::string BuildInfo::identity() const { return git_commit + " " + build_type + " " + compiler + " " + blas; }

const BuildInfo& build_info() {
  static const BuildInfo info{OPTDYN_GIT_COMMIT, OPTDYN_BUILD_TYPE, OPTDYN_COMPILER,
                              std::string(blas_backend()) + "/" + std::to_string(blas_threads())};
  return info;
}

}  // namespace optdyn::harness
