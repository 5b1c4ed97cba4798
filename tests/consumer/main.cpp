// Builds against the installed optdyn package and checks closed forms:
//  * Rosenbrock f = Σ 100(x_{i+1} − x_i²)² + (1 − x_i)²: f(0) = D − 1 and ∇f(1) = 0;
//  * a dynamic-size GEMM and GEMV, which go to OpenBLAS when optdyn was built with it
//    (EIGEN_USE_BLAS comes with optdyn::core, under every layer): 1_{n×m} 1_{m×k} = m·1_{n×k},
//    1_{n×m} 1_m = m·1_n;
//  * with OpenBLAS and no OPTDYN_BLAS_THREADS override, the library's one-thread pin
//    reached this program (core/blas.hpp).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "optdyn/core/blas.hpp"
#include "optdyn/objectives/registry.hpp"

int main() {
  auto f = optdyn::make_objective("rosenbrock:dim=5");
  const double at_zero = f->value(optdyn::Vec::Zero(5));
  const double grad_at_one = f->gradient(optdyn::Vec::Ones(5)).norm();
  std::printf("f(0) = %g, |grad f(1)| = %g\n", at_zero, grad_at_one);

  const optdyn::Mat product = optdyn::Mat::Ones(70, 90) * optdyn::Mat::Ones(90, 50);
  const optdyn::Vec image = optdyn::Mat::Ones(70, 90) * optdyn::Vec::Ones(90);
  const double gemm_error = (product.array() - 90.0).abs().maxCoeff();
  const double gemv_error = (image.array() - 90.0).abs().maxCoeff();
  const bool openblas = std::strcmp(optdyn::blas_backend(), "openblas") == 0;
  std::printf("backend %s, %d thread(s); GEMM error %g, GEMV error %g\n", optdyn::blas_backend(),
              optdyn::blas_threads(), gemm_error, gemv_error);

  const bool ok = std::abs(at_zero - 4.0) < 1e-12 && grad_at_one < 1e-12 && gemm_error == 0.0 &&
                  gemv_error == 0.0 && (!openblas || std::getenv("OPTDYN_BLAS_THREADS") != nullptr || optdyn::blas_threads() == 1);
  return ok ? 0 : 1;
}
