#pragma once
// The backend of Eigen's large dense products (GEMM, GEMV, TRSM, ...): Eigen's own
// kernels, or OpenBLAS when the build defines EIGEN_USE_BLAS (CMake option OPTDYN_BLAS,
// cmake/OptdynBlas.cmake).
//
// Determinism: OpenBLAS's threaded GEMM/GEMV round differently with 1 and 2 threads
// (measured: the MLP gradient and Hessian-vector product differ in the last bits;
// tests/blas_threads_test.sh). Its default thread count is OPENBLAS_NUM_THREADS or the
// number of cores, so "same seed and build ⇒ byte-identical output" would depend on
// the machine and the environment. optdyn therefore runs OpenBLAS on ONE thread from
// program start, whatever OPENBLAS_NUM_THREADS / OMP_NUM_THREADS say. Override:
//   OPTDYN_BLAS_THREADS=N  (a positive integer) runs it on N threads — faster on large
//   products, reproducible only for the same N.
// A value that is not a positive integer ends the program with exit status 2 (bad input).
// Parallelism that keeps the bits comes from elsewhere: the sums over samples run by fixed
// sample blocks on OPTDYN_THREADS threads (threads.hpp, sample_blocks.hpp), each block's
// products on this one-thread BLAS.

namespace optdyn {

// "openblas" or "eigen".
const char* blas_backend();

// Threads one product may use: the pinned OpenBLAS count, or 1 for Eigen's kernels
// (built without OpenMP).
int blas_threads();

}  // namespace optdyn
