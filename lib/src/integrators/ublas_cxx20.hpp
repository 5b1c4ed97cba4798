#pragma once
// Private to rosenbrock4.cpp. Boost 1.74's uBLAS storage (unbounded_array) calls
// std::allocator<T>::construct/destroy, which C++20 removed (boostorg/ublas#83, #103; fixed
// in later Boost releases): odeint's rosenbrock4, which works on uBLAS vectors and matrices,
// does not compile in C++20 mode. The two members that make those calls are explicitly
// specialised here for the element types odeint uses (double for vectors and matrices,
// std::size_t for the LU permutation), with std::allocator_traits. Both types are trivial:
// no construction or destruction is needed, only allocation and copying. Include this
// before any use of the uBLAS containers.
#include <boost/version.hpp>

#if BOOST_VERSION < 107600 && __cplusplus > 201703L
#include <algorithm>
#include <boost/numeric/ublas/storage.hpp>
#include <cstddef>
#include <memory>

#define OPTDYN_UBLAS_TRIVIAL_STORAGE(T)                                                                       \
  template <>                                                                                                 \
  inline unbounded_array<T, std::allocator<T>>::unbounded_array(size_type size, const std::allocator<T>& a)   \
      : alloc_(a), size_(size) {                                                                              \
    data_ = size_ ? std::allocator_traits<std::allocator<T>>::allocate(alloc_, size_) : nullptr;             \
  }                                                                                                           \
  template <>                                                                                                 \
  inline void unbounded_array<T, std::allocator<T>>::resize_internal(const size_type size, const value_type init, \
                                                                     const bool preserve) {                  \
    if (size == size_) return;                                                                                \
    using traits = std::allocator_traits<std::allocator<T>>;                                                  \
    pointer old = data_;                                                                                      \
    data_ = size ? traits::allocate(alloc_, size) : nullptr;                                                  \
    if (size && preserve) {                                                                                   \
      const size_type kept = std::min(size, size_);                                                           \
      std::copy(old, old + kept, data_);                                                                      \
      std::fill(data_ + kept, data_ + size, init);                                                            \
    }                                                                                                         \
    if (size_) traits::deallocate(alloc_, old, size_);                                                        \
    size_ = size;                                                                                             \
  }

namespace boost::numeric::ublas {
OPTDYN_UBLAS_TRIVIAL_STORAGE(double)
OPTDYN_UBLAS_TRIVIAL_STORAGE(std::size_t)
}  // namespace boost::numeric::ublas

#undef OPTDYN_UBLAS_TRIVIAL_STORAGE
#endif
