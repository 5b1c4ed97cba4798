# The dense-product backend. With OPTDYN_BLAS=ON and OpenBLAS installed, Eigen is compiled
# with EIGEN_USE_BLAS: its dynamic-size GEMM, GEMV, TRMM/TRSM, SYRK and SYMM/SYMV call
# the external BLAS (dgemm_, dgemv_, ...) instead of Eigen's own kernels; small
# fixed-size and coefficient-based ("lazy") products stay in Eigen. The definition is
# PUBLIC on optdyn::core (lib/CMakeLists.txt): every TU that instantiates Eigen products
# must agree on it (one definition rule), and installed consumers inherit it.
#
# Only OpenBLAS is accepted (BLA_VENDOR): the reference BLAS that Debian may also have as
# libblas.so would be several times slower than Eigen's own kernels. Not found ⇒ pure
# Eigen, with a message; the build never fails for lack of BLAS.
#
# Output: OPTDYN_BLAS_FOUND (TRUE/FALSE) and, if TRUE, the imported target BLAS::BLAS.
set(OPTDYN_BLAS_FOUND FALSE)
if(OPTDYN_BLAS)
  set(BLA_VENDOR OpenBLAS)
  find_package(BLAS QUIET)
  if(BLAS_FOUND)
    set(OPTDYN_BLAS_FOUND TRUE)
    message(STATUS "optdyn: dense products use OpenBLAS (EIGEN_USE_BLAS): ${BLAS_LIBRARIES}")
  else()
    message(STATUS "optdyn: OPTDYN_BLAS=ON but OpenBLAS was not found (Debian: apt-get "
                   "install libopenblas-dev); falling back to Eigen's own products")
  endif()
else()
  message(STATUS "optdyn: dense products use Eigen's own kernels (OPTDYN_BLAS=OFF)")
endif()
