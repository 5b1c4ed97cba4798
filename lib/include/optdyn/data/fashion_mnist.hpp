#pragma once
// Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) from its four IDX files:
//   <dir>/{train,t10k}-images-idx3-ubyte.gz, <dir>/{train,t10k}-labels-idx1-ubyte.gz
// (Debian package dataset-fashion-mnist installs them in /usr/share/datasets/fashion-mnist).
// Uncompressed files without the .gz suffix are used when the .gz ones are absent.
//
// Layout (doc/design.md, "Parameter layout"; as torchvision's ToTensor + flatten): sample i is column i of the
// 784 × n inputs, pixel (r, c) at row 28·r + c, value pixel/255 ∈ [0, 1]; labels 0–9;
// targets are the one-hot 10 × n matrix. Classes: 0 T-shirt/top, 1 Trouser, 2 Pullover,
// 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.
#include <cstdint>
#include <string>

#include "optdyn/core/types.hpp"
#include "optdyn/data/dataset.hpp"

namespace optdyn {

inline constexpr const char* kFashionMnistDefaultDir = "/usr/share/datasets/fashion-mnist";

struct FashionMnistOptions {
  std::string directory = kFashionMnistDefaultDir;
  bool test_split = false;  // false: train (60,000 images), true: t10k (10,000)
  Index n = 1000;           // number of samples; 0 = the whole split
  bool random_sample = false;  // false: the first n; true: first n of a seeded permutation
  std::uint64_t seed = 1;      // for random_sample (stream kStreamSample of Rng::derived)
};

// Throws InputError naming the file on any missing/corrupt file, rank/shape mismatch,
// image/label count disagreement, label outside 0–9, or n larger than the split.
Dataset load_fashion_mnist(const FashionMnistOptions& options);

}  // namespace optdyn
