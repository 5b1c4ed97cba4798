#include "optdyn/core/blas.hpp"

#ifdef EIGEN_USE_BLAS
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

// OpenBLAS extensions (declared here, not via <cblas.h>: Debian's cblas.h may be the
// reference one, which lacks them). Available in the pthread, OpenMP and serial builds.
extern "C" void openblas_set_num_threads(int threads);
extern "C" int openblas_get_num_threads();
#endif

namespace optdyn {

#ifdef EIGEN_USE_BLAS

namespace {

// OPTDYN_BLAS_THREADS if set (a positive integer), else 1. A bad value cannot become an
// InputError here (this runs before main), so it ends the program with status 2.
int requested_blas_threads() {
  const char* text = std::getenv("OPTDYN_BLAS_THREADS");
  if (text == nullptr) return 1;
  try {
    std::size_t used = 0;
    const int threads = std::stoi(text, &used);
    if (used == std::string(text).size() && threads >= 1) return threads;
  } catch (const std::exception&) {
  }
  std::fprintf(stderr, "optdyn: OPTDYN_BLAS_THREADS='%s' is not a positive integer\n", text);
  std::exit(2);
}

// Runs during static initialisation of every program linked with optdyn::core (the
// linker is told to keep this object: INTERFACE link option -u optdyn_blas_pinned in
// lib/CMakeLists.txt), i.e. before main issues its first product.
const int pinned_threads = [] {
  const int threads = requested_blas_threads();
  openblas_set_num_threads(threads);
  return threads;
}();

}  // namespace

const char* blas_backend() { return "openblas"; }
int blas_threads() { return openblas_get_num_threads(); }

#else

const char* blas_backend() { return "eigen"; }
int blas_threads() { return 1; }

#endif

}  // namespace optdyn

// The symbol the linker is told to keep (see above); its value is the pinned count (0
// without OpenBLAS).
#ifdef EIGEN_USE_BLAS
extern "C" const int optdyn_blas_pinned = optdyn::pinned_threads;
#else
extern "C" const int optdyn_blas_pinned = 0;
#endif
