// Fashion-MNIST loader: IDX images + labels → Dataset (see fashion_mnist.hpp).
#include "optdyn/data/fashion_mnist.hpp"

#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/data/idx_reader.hpp"
#include "optdyn/data/synthetic.hpp"

namespace optdyn {
namespace {

// <dir>/<stem>.gz if it exists, else <dir>/<stem> if that exists, else the .gz name (so
// that the "cannot open" error names the canonical file).
std::string locate(const std::string& directory, const std::string& stem) {
  namespace fs = std::filesystem;
  const fs::path gz = fs::path(directory) / (stem + ".gz");
  const fs::path raw = fs::path(directory) / stem;
  std::error_code ec;
  if (!fs::exists(gz, ec) && fs::exists(raw, ec)) return raw.string();
  return gz.string();
}

}  // namespace

Dataset load_fashion_mnist(const FashionMnistOptions& options) {
  const std::string prefix = options.test_split ? "t10k" : "train";
  const std::string images_path = locate(options.directory, prefix + "-images-idx3-ubyte");
  const std::string labels_path = locate(options.directory, prefix + "-labels-idx1-ubyte");

  // Labels first: small, and a missing directory is reported quickly.
  const IdxArray labels = read_idx_file(labels_path);
  if (labels.rank() != 1)
    throw InputError(labels_path + ": expected a rank-1 label file (magic 0x00000801), got rank " +
                     std::to_string(labels.rank()));
  const IdxArray images = read_idx_file(images_path);
  if (images.rank() != 3)
    throw InputError(images_path + ": expected a rank-3 image file (magic 0x00000803), got rank " +
                     std::to_string(images.rank()));
  if (images.dims[1] != 28 || images.dims[2] != 28)
    throw InputError(images_path + ": images are " + std::to_string(images.dims[1]) + "x" +
                     std::to_string(images.dims[2]) + ", expected 28x28");
  const Index count = images.dims[0];
  if (labels.dims[0] != images.dims[0])
    throw InputError(images_path + ": has " + std::to_string(images.dims[0]) + " images but " + labels_path +
                     " has " + std::to_string(labels.dims[0]) + " labels");
  const Index n = options.n == 0 ? count : options.n;
  if (n < 1 || n > count)
    throw InputError(images_path + ": n=" + std::to_string(options.n) + " samples requested but the file has " +
                     std::to_string(count));

  std::vector<Index> chosen(static_cast<std::size_t>(count));
  std::iota(chosen.begin(), chosen.end(), Index{0});
  if (options.random_sample) {
    Rng rng = Rng::derived(options.seed, kStreamSample);
    rng.shuffle(chosen);
  }
  chosen.resize(static_cast<std::size_t>(n));

  constexpr Index kPixels = 28 * 28;
  Dataset data;
  data.inputs.resize(kPixels, n);
  std::vector<int> label_values(static_cast<std::size_t>(n));
  for (Index j = 0; j < n; ++j) {
    const Index i = chosen[static_cast<std::size_t>(j)];
    const int label = labels.data[static_cast<std::size_t>(i)];
    if (label > 9)
      throw InputError(labels_path + ": label " + std::to_string(label) + " of item " + std::to_string(i) +
                       " is outside 0-9");
    label_values[static_cast<std::size_t>(j)] = label;
    const std::uint8_t* pixels = images.data.data() + static_cast<std::size_t>(i * kPixels);
    for (Index p = 0; p < kPixels; ++p) data.inputs(p, j) = pixels[p] / 255.0;
  }
  set_class_targets(data, label_values, 10);
  data.description = "fashion-mnist " + std::string(options.test_split ? "test" : "train") + ", " +
                     (options.random_sample ? "random " + std::to_string(n) + " (seed " +
                                                  std::to_string(options.seed) + ")"
                                            : "first " + std::to_string(n)) +
                     ", " + options.directory;
  return data;
}

}  // namespace optdyn
