// Data: IDX reader (files, gzip, corruption), Fashion-MNIST loader, synthetic generators
// (gaussian, teachers, Saxe's hierarchical data), preprocessing and the data keys.
#define BOOST_TEST_MODULE data
#include <boost/test/unit_test.hpp>
#include <zlib.h>

#include <Eigen/SVD>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/spec.hpp"
#include "optdyn/data/correlations.hpp"
#include "optdyn/data/dataset.hpp"
#include "optdyn/data/fashion_mnist.hpp"
#include "optdyn/data/idx_reader.hpp"
#include "optdyn/data/preprocess.hpp"
#include "optdyn/data/synthetic.hpp"
#include "optdyn/objectives/teacher_mlp.hpp"
#include "optdyn/objectives/training_data.hpp"
#include "support/input_errors.hpp"

using namespace optdyn;
using namespace optdyn::testing;
namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

namespace {

// A fresh directory per call, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("optdyn_data_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

Bytes make_idx(std::uint8_t type, const std::vector<std::uint32_t>& dims, const Bytes& data) {
  Bytes out = {0, 0, type, static_cast<std::uint8_t>(dims.size())};
  for (std::uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(d >> shift));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Bytes iota_bytes(std::size_t n, std::uint8_t start = 0) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(start + i);
  return b;
}

void write_raw(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  BOOST_REQUIRE(out.good());
}

void write_gz(const std::string& path, const Bytes& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  BOOST_REQUIRE(f != nullptr);
  if (!bytes.empty()) BOOST_REQUIRE_EQUAL(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
                                          static_cast<int>(bytes.size()));
  BOOST_REQUIRE_EQUAL(gzclose(f), Z_OK);
}

Bytes read_raw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Spec data_spec(const std::string& text) { return Spec::parse(text, "objective"); }

// Writes a small Fashion-MNIST-shaped set (count images, label_count labels) into dir.
void write_fake_fashion(const TempDir& dir, std::uint32_t count, std::uint32_t label_count,
                        std::uint8_t bad_label = 0) {
  Bytes pixels(static_cast<std::size_t>(count) * 784);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>((i * 7 + i / 784) % 256);
  Bytes labels(label_count);
  for (std::uint32_t i = 0; i < label_count; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
  if (bad_label) labels.back() = bad_label;
  write_gz(dir.file("train-images-idx3-ubyte.gz"), make_idx(0x08, {count, 28, 28}, pixels));
  write_gz(dir.file("train-labels-idx1-ubyte.gz"), make_idx(0x08, {label_count}, labels));
}

const std::string kFashionDir = kFashionMnistDefaultDir;
bool have_fashion() { return fs::exists(kFashionDir + "/train-labels-idx1-ubyte.gz"); }

}  // namespace

// ---------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(idx)

BOOST_AUTO_TEST_CASE(round_trip_raw_and_gzip) {
  TempDir dir;
  const Bytes images = make_idx(0x08, {3, 2, 4}, iota_bytes(24, 5));
  const Bytes labels = make_idx(0x08, {3}, {7, 0, 9});
  for (bool gz : {false, true}) {
    const std::string ip = dir.file(gz ? "i.gz" : "i.raw"), lp = dir.file(gz ? "l.gz" : "l.raw");
    (gz ? write_gz : write_raw)(ip, images);
    (gz ? write_gz : write_raw)(lp, labels);
    const IdxArray a = read_idx_file(ip);
    BOOST_TEST(a.rank() == 3);
    BOOST_TEST((a.dims == std::vector<std::uint32_t>{3, 2, 4}));
    BOOST_TEST(a.item_size() == 8u);
    BOOST_TEST((a.data == iota_bytes(24, 5)));
    const IdxArray b = read_idx_file(lp);
    BOOST_TEST(b.rank() == 1);
    BOOST_TEST((b.data == Bytes{7, 0, 9}));
  }
}

BOOST_AUTO_TEST_CASE(in_memory_parser_errors) {
  const Bytes good = make_idx(0x08, {2, 3}, iota_bytes(6));
  BOOST_TEST((parse_idx(good, "mem").data == iota_bytes(6)));
  BOOST_TEST((parse_idx(make_idx(0x08, {0}, {}), "empty").dims[0] == 0u));

  expect_input_error([] { parse_idx(Bytes{0, 0}, "f.idx"); }, {"f.idx: ", "short read at byte 2"});
  expect_input_error([] { parse_idx(Bytes{}, "f.idx"); }, {"f.idx: ", "short read at byte 0"});
  Bytes bad = good;
  bad[0] = 0x12;
  bad[1] = 0x34;
  expect_input_error([&] { parse_idx(bad, "f.idx"); }, {"f.idx: ", "bad magic 0x12340802"});
  expect_input_error([] { parse_idx(make_idx(0x07, {1}, {1}), "f.idx"); }, {"bad magic", "type code 0x07"});
  expect_input_error([] { parse_idx(make_idx(0x0D, {1}, {1, 2, 3, 4}), "f.idx"); },
                     {"f.idx: ", "unsupported IDX type code 0x0d (float32)"});
  expect_input_error([] { parse_idx(Bytes{0, 0, 8, 0}, "f.idx"); }, {"unsupported IDX rank 0"});
  expect_input_error([] { parse_idx(make_idx(0x08, {1, 1, 1, 1, 1}, {1}), "f.idx"); },
                     {"unsupported IDX rank 5"});
  // Header cut inside the dimensions: rank 3 needs 16 bytes.
  expect_input_error([&] { parse_idx(std::span(good).first(7), "f.idx"); }, {"short read at byte 7"});
  Bytes three_d = make_idx(0x08, {1, 2, 2}, {});
  expect_input_error([&] { parse_idx(std::span(three_d).first(10), "f.idx"); },
                     {"short read at byte 10", "16 bytes"});
  // Data cut: 12-byte header + 6 data bytes declared, 3 present.
  expect_input_error([&] { parse_idx(std::span(good).first(15), "f.idx"); },
                     {"f.idx: ", "short read at byte 15", "declares 6 data bytes", "ending at byte 18"});
  Bytes trailing = good;
  trailing.push_back(1);
  trailing.push_back(2);
  expect_input_error([&] { parse_idx(trailing, "f.idx"); }, {"2 trailing bytes", "ends at byte 18"});
  // Absurd dimensions: rejected before any allocation (4 GiB^3 would overflow 64 bits).
  expect_input_error([] { parse_idx(make_idx(0x08, {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, {}), "huge"); },
                     {"huge: ", "exceeds the limit"});
  expect_input_error([] { parse_idx(make_idx(0x08, {1000, 1000}, {}), "capped", 999'999); },
                     {"exceeds the limit of 999999 bytes"});
}

BOOST_AUTO_TEST_CASE(file_errors) {
  TempDir dir;
  const std::string missing = dir.file("nope-idx1-ubyte.gz");
  expect_input_error([&] { read_idx_file(missing); }, {missing + ": ", "cannot open", "No such file"});

  const Bytes images = make_idx(0x08, {50, 28, 28}, iota_bytes(50 * 784));
  // Bad magic inside a gzip file.
  Bytes bad = images;
  bad[0] = 0x1f;
  const std::string bad_path = dir.file("bad.gz");
  write_gz(bad_path, bad);
  expect_input_error([&] { read_idx_file(bad_path); }, {bad_path + ": ", "bad magic 0x1f000803"});

  // Short read inside a valid gzip stream: the IDX data ends early at byte 1000.
  const std::string short_path = dir.file("short.gz");
  write_gz(short_path, Bytes(images.begin(), images.begin() + 1000));
  expect_input_error([&] { read_idx_file(short_path); }, {short_path + ": ", "short read at byte 1000"});
  // The same, uncompressed.
  const std::string short_raw = dir.file("short.raw");
  write_raw(short_raw, Bytes(images.begin(), images.begin() + 1000));
  expect_input_error([&] { read_idx_file(short_raw); }, {short_raw + ": ", "short read at byte 1000"});

  // Truncated gzip: the compressed stream is cut in half.
  const std::string full_path = dir.file("full.gz");
  write_gz(full_path, images);
  const Bytes compressed = read_raw(full_path);
  BOOST_REQUIRE(compressed.size() > 40);
  const std::string cut_path = dir.file("cut.gz");
  write_raw(cut_path, Bytes(compressed.begin(), compressed.begin() + static_cast<long>(compressed.size() / 2)));
  expect_input_error([&] { read_idx_file(cut_path); }, {cut_path + ": ", "truncated gzip data"});
  // Only the 8-byte trailer (CRC, size) missing.
  const std::string no_trailer = dir.file("notrailer.gz");
  write_raw(no_trailer, Bytes(compressed.begin(), compressed.end() - 8));
  expect_input_error([&] { read_idx_file(no_trailer); }, {no_trailer + ": ", "truncated gzip data", "at or after decompressed byte 39216"});

  // Corrupt gzip: bytes of the deflate stream overwritten (CRC or data error).
  Bytes corrupt = compressed;
  for (std::size_t i = 20; i < 40; ++i) corrupt[i] ^= 0x5a;
  const std::string corrupt_path = dir.file("corrupt.gz");
  write_raw(corrupt_path, corrupt);
  expect_input_error([&] { read_idx_file(corrupt_path); }, {corrupt_path + ": "});
  // Only the CRC wrong.
  Bytes crc = compressed;
  crc[crc.size() - 8] ^= 0xff;
  const std::string crc_path = dir.file("crc.gz");
  write_raw(crc_path, crc);
  expect_input_error([&] { read_idx_file(crc_path); }, {crc_path + ": ", "corrupt gzip data", "incorrect data check"});

  // A directory is not a file.
  expect_input_error([&] { read_idx_file(dir.path.string()); }, {dir.path.string() + ": ", "is a directory"});
  // Decompressed size cap (gzip bomb guard).
  expect_input_error([&] { read_maybe_gzip_file(full_path, 1000); }, {full_path + ": ", "exceeds the limit"});
}

// read_idx_file reads the header, then at most the declared size plus one byte: an endless
// device or a huge file fails after a few bytes, not after reading up to the 1 GiB cap.
BOOST_AUTO_TEST_CASE(reading_stops_at_the_declared_size) {
  TempDir dir;
  // 10 declared bytes, then a (sparse) 2 GiB tail.
  const std::string huge = dir.file("huge-idx1-ubyte");
  write_raw(huge, make_idx(0x08, {10}, iota_bytes(10)));
  fs::resize_file(huge, std::uintmax_t{2} << 30);
  expect_input_error([&] { read_idx_file(huge); }, {huge + ": ", "trailing bytes", "ends at byte 18"});
  // The same data with one trailing byte, compressed: still reported.
  const std::string one_more = dir.file("one-more.gz");
  write_gz(one_more, make_idx(0x08, {10}, iota_bytes(11)));
  expect_input_error([&] { read_idx_file(one_more); }, {one_more + ": ", "trailing bytes", "ends at byte 18"});
  // Exactly the declared size still reads (raw and gzip).
  const std::string exact = dir.file("exact.gz");
  write_gz(exact, make_idx(0x08, {2, 3}, iota_bytes(6)));
  BOOST_TEST((read_idx_file(exact).data == iota_bytes(6)));
  if (fs::exists("/dev/zero"))
    expect_input_error([] { read_idx_file("/dev/zero"); }, {"/dev/zero: ", "not a regular file"});
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(fashion_loader)

BOOST_AUTO_TEST_CASE(fake_directory_layout_and_values) {
  TempDir dir;
  write_fake_fashion(dir, 12, 12);
  FashionMnistOptions options;
  options.directory = dir.path.string();
  options.n = 5;
  const Dataset d = load_fashion_mnist(options);
  BOOST_TEST((d.inputs.rows() == 784));
  BOOST_TEST(d.size() == 5);
  BOOST_TEST((d.targets.rows() == 10));
  for (Index i = 0; i < 5; ++i) {
    BOOST_TEST((d.labels[i] == static_cast<int>(i % 10)));
    BOOST_TEST((d.targets.col(i).sum() == 1.0));
    BOOST_TEST((d.targets(d.labels[i], i) == 1.0));
    for (Index p = 0; p < 784; p += 97) {
      const std::size_t flat = static_cast<std::size_t>(i * 784 + p);
      BOOST_TEST((d.inputs(p, i) == static_cast<double>((flat * 7 + flat / 784) % 256) / 255.0));
    }
  }
  // Random sample: deterministic in the seed, a subset of the file, different order.
  options.random_sample = true;
  options.seed = 3;
  const Dataset r1 = load_fashion_mnist(options), r2 = load_fashion_mnist(options);
  BOOST_TEST((r1.inputs == r2.inputs));
  BOOST_TEST((r1.labels == r2.labels));
  options.seed = 4;
  const Dataset r3 = load_fashion_mnist(options);
  BOOST_TEST((!(r1.inputs == r3.inputs)));
  // n larger than the file.
  options.n = 13;
  expect_input_error([&] { load_fashion_mnist(options); }, {"n=13", "has 12"});
}

BOOST_AUTO_TEST_CASE(fake_directory_errors) {
  {
    TempDir dir;
    write_fake_fashion(dir, 6, 5);
    FashionMnistOptions options;
    options.directory = dir.path.string();
    options.n = 2;
    expect_input_error([&] { load_fashion_mnist(options); },
                       {dir.file("train-images-idx3-ubyte.gz"), "6 images", dir.file("train-labels-idx1-ubyte.gz"),
                        "5 labels"});
  }
  {
    TempDir dir;
    write_fake_fashion(dir, 6, 6, 12);
    FashionMnistOptions options;
    options.directory = dir.path.string();
    options.n = 6;
    expect_input_error([&] { load_fashion_mnist(options); }, {"train-labels-idx1-ubyte.gz: ", "label 12"});
  }
  {
    TempDir dir;
    FashionMnistOptions options;
    options.directory = dir.path.string();
    expect_input_error([&] { load_fashion_mnist(options); }, {"train-labels-idx1-ubyte.gz: ", "cannot open"});
    // Labels and images swapped: wrong ranks are named.
    write_gz(dir.file("train-labels-idx1-ubyte.gz"), make_idx(0x08, {1, 28, 28}, Bytes(784)));
    expect_input_error([&] { load_fashion_mnist(options); }, {"train-labels-idx1-ubyte.gz: ", "rank-1"});
  }
  {
    // Uncompressed files without .gz are used too.
    TempDir dir;
    write_raw(dir.file("t10k-images-idx3-ubyte"), make_idx(0x08, {2, 28, 28}, Bytes(2 * 784, 255)));
    write_raw(dir.file("t10k-labels-idx1-ubyte"), make_idx(0x08, {2}, {3, 4}));
    FashionMnistOptions options;
    options.directory = dir.path.string();
    options.test_split = true;
    options.n = 0;  // the whole split
    const Dataset d = load_fashion_mnist(options);
    BOOST_TEST(d.size() == 2);
    BOOST_TEST((d.inputs.minCoeff() == 1.0));
    BOOST_TEST((d.labels == std::vector<int>{3, 4}));
  }
}

BOOST_AUTO_TEST_CASE(make_dataset_keys) {
  TempDir dir;
  write_fake_fashion(dir, 20, 20);
  const std::string base = "mlp:data=fashion-mnist,path=" + dir.path.string();
  const Dataset d = make_dataset(data_spec(base + ",n=7"), 784, 10);
  BOOST_TEST(d.size() == 7);
  BOOST_TEST(contains(d.description, "first 7"));
  expect_input_error([&] { make_dataset(data_spec(base), 100, 10); }, {"key 'widths'", "784"});
  expect_input_error([&] { make_dataset(data_spec(base), 784, 3); }, {"key 'widths'", "10 classes"});
  expect_input_error([&] { make_dataset(data_spec(base + ",n=70000"), 784, 10); }, {"key 'n'"});
  expect_input_error([&] { make_dataset(data_spec(base + ",n=10001,split=test"), 784, 10); },
                     {"key 'n'", "10000"});
  expect_input_error([&] { make_dataset(data_spec(base + ",split=validation"), 784, 10); }, {"key 'split'"});
  expect_input_error([&] { make_dataset(data_spec(base + ",flip=0.2"), 784, 10); },
                     {"key 'flip'", "does not apply to data=fashion-mnist"});
  expect_input_error([&] { make_dataset(data_spec(base + ",whiten_eps=0.1"), 784, 10); }, {"key 'whiten_eps'"});
  expect_input_error([&] { make_dataset(data_spec("mlp:data=cifar"), 784, 10); }, {"key 'data'", "cifar"});
  expect_input_error([&] { make_dataset(data_spec("mlp:data=gaussian,path=/tmp"), 4, 2); }, {"key 'path'"});
  // Size budgets, checked before anything is allocated (the data matrix: 2 GiB).
  expect_input_error([&] { make_dataset(data_spec("mlp:data=gaussian,n=99999999"), 3, 2); },
                     {"key 'n'", "budget"});
  expect_input_error([&] { make_dataset(data_spec("mlp:data=teacher-linear,n=30000000"), 8, 2); },
                     {"key 'n'", "budget"});
  expect_input_error(
      [&] { make_dataset(data_spec("mlp:data=teacher-mlp,n=10,teacher_widths=1000000-1000000"), 3, 2); },
      {"key 'teacher_widths'", "budget"});
  expect_input_error([&] { make_dataset(data_spec("mlp:data=teacher-mlp,n=100000,teacher_widths=2000"), 3, 2); },
                     {"key 'teacher_widths'", "activations"});
  expect_input_error([&] { make_dataset(data_spec("mlp:data=hierarchical,levels=16,features=1"), 65536, 1); },
                     {"key 'levels'", "budget"});
  expect_input_error(
      [&] { make_dataset(data_spec("mlp:data=hierarchical,levels=12,features=1000000"), 4096, 1000000); },
      {"key 'features'", "budget"});
  // An objective whose table changes data defaults: its defaults count as defaults.
  std::vector<ParamInfo> table = dataset_params();
  for (auto& p : table)
    if (p.key == "levels") p.default_value = "3";
  BOOST_TEST(make_dataset(data_spec("linear:data=gaussian,levels=3,n=4"), 2, 1, table).size() == 4);
  expect_input_error([&] { make_dataset(data_spec("linear:data=gaussian,levels=3"), 2, 1); }, {"key 'levels'"});
  // The table is a valid schema with defaults for every key.
  Spec s = data_spec("mlp:data=gaussian,n=5");
  s.apply_schema(dataset_params());
  for (const auto& p : dataset_params()) {
    BOOST_TEST(!p.default_value.empty());
    BOOST_TEST(!p.help.empty());
    BOOST_TEST(s.has(p.key));
  }
}

BOOST_AUTO_TEST_CASE(real_fashion_mnist) {
  if (!have_fashion()) {
    BOOST_TEST_MESSAGE("skipped: " << kFashionDir << " not installed");
    return;
  }
  // Independent read of the raw label and image files with zlib.
  Bytes raw_labels(8 + 100), raw_images(16 + 784);
  {
    gzFile f = gzopen((kFashionDir + "/train-labels-idx1-ubyte.gz").c_str(), "rb");
    BOOST_REQUIRE(f);
    BOOST_REQUIRE_EQUAL(gzread(f, raw_labels.data(), static_cast<unsigned>(raw_labels.size())),
                        static_cast<int>(raw_labels.size()));
    gzclose(f);
    f = gzopen((kFashionDir + "/train-images-idx3-ubyte.gz").c_str(), "rb");
    BOOST_REQUIRE(f);
    BOOST_REQUIRE_EQUAL(gzread(f, raw_images.data(), static_cast<unsigned>(raw_images.size())),
                        static_cast<int>(raw_images.size()));
    gzclose(f);
  }
  BOOST_TEST((Bytes(raw_labels.begin(), raw_labels.begin() + 8) == Bytes{0, 0, 8, 1, 0, 0, 0xea, 0x60}));
  BOOST_TEST(raw_labels[8] == 9);  // the first training item is an ankle boot

  const Dataset d = make_dataset(data_spec("mlp:data=fashion-mnist,n=100"), 784, 10);
  BOOST_TEST(d.size() == 100);
  BOOST_TEST(d.inputs.minCoeff() >= 0.0);
  BOOST_TEST(d.inputs.maxCoeff() <= 1.0);
  BOOST_TEST((d.inputs.maxCoeff() == 1.0));  // some pixel is saturated
  BOOST_TEST((d.labels[0] == 9));
  std::vector<int> counts(10, 0);
  for (Index i = 0; i < 100; ++i) {
    BOOST_TEST((d.labels[i] == static_cast<int>(raw_labels[8 + i])));
    ++counts[static_cast<std::size_t>(d.labels[i])];
  }
  for (int c : counts) {  // roughly balanced: every class present, none dominant
    BOOST_TEST(c >= 1);
    BOOST_TEST(c <= 30);
  }
  for (Index p = 0; p < 784; ++p) BOOST_TEST((d.inputs(p, 0) == raw_images[16 + p] / 255.0));
  BOOST_TEST((d.targets.colwise().sum().array() == 1.0).all());

  // Seeded sample: deterministic, and consistent with the raw labels of the chosen items.
  const Spec random = data_spec("mlp:data=fashion-mnist,n=50,sample=random,data_seed=7");
  const Dataset r1 = make_dataset(random, 784, 10), r2 = make_dataset(random, 784, 10);
  BOOST_TEST((r1.inputs == r2.inputs));
  BOOST_TEST((r1.labels == r2.labels));
  BOOST_TEST((!(r1.inputs == make_dataset(data_spec("mlp:data=fashion-mnist,n=50"), 784, 10).inputs)));

  const Dataset t = make_dataset(data_spec("mlp:data=fashion-mnist,split=test,n=10"), 784, 10);
  BOOST_TEST((t.labels == std::vector<int>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}));

  // Whitening the real data: covariance ≈ I on the directions with variance ≫ eps.
  const Dataset w = make_dataset(data_spec("mlp:data=fashion-mnist,n=2000,whiten=true,whiten_eps=1e-8"), 784, 10);
  BOOST_TEST(w.inputs.rowwise().mean().cwiseAbs().maxCoeff() < 1e-9);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(synthetic)

BOOST_AUTO_TEST_CASE(gaussian_regression_and_labels) {
  const Dataset a = make_dataset(data_spec("mlp:data=gaussian,n=300,data_seed=5"), 6, 3);
  BOOST_TEST((a.inputs.rows() == 6));
  BOOST_TEST((a.targets.rows() == 3));
  BOOST_TEST(a.size() == 300);
  BOOST_TEST(a.labels.empty());
  BOOST_TEST(std::abs(a.inputs.mean()) < 0.1);
  BOOST_TEST(std::abs(a.inputs.squaredNorm() / a.inputs.size() - 1.0) < 0.1);
  BOOST_TEST((a.inputs == make_dataset(data_spec("mlp:data=gaussian,n=300,data_seed=5"), 6, 3).inputs));
  BOOST_TEST((!(a.inputs == make_dataset(data_spec("mlp:data=gaussian,n=300,data_seed=6"), 6, 3).inputs)));

  const Dataset l = make_dataset(data_spec("mlp:data=gaussian,n=300,data_seed=5,targets=labels"), 6, 4);
  BOOST_TEST((l.labels.size() == 300u));
  BOOST_TEST((l.inputs == a.inputs));  // inputs come from their own stream
  std::vector<int> counts(4, 0);
  for (Index i = 0; i < 300; ++i) {
    BOOST_TEST((l.targets.col(i).sum() == 1.0));
    BOOST_TEST((l.targets(l.labels[i], i) == 1.0));
    ++counts[static_cast<std::size_t>(l.labels[i])];
  }
  for (int c : counts) BOOST_TEST(c > 40);
  // One output: binary labels 0/1 as targets.
  const Dataset b = make_dataset(data_spec("mlp:data=gaussian,n=100,targets=labels"), 3, 1);
  for (Index i = 0; i < 100; ++i) BOOST_TEST((b.targets(0, i) == static_cast<double>(b.labels[i])));
  expect_input_error([] { make_dataset(data_spec("mlp:data=gaussian,noise=0.1"), 3, 1); }, {"key 'noise'"});
}

BOOST_AUTO_TEST_CASE(teacher_linear_exact_recovery) {
  const Index d = 12, k = 4, n = 200;
  const LinearTeacher t = make_teacher_linear(d, k, n, 0.0, false, 9);
  // Least squares from the data alone: Ŵ = Y Xᵀ (X Xᵀ)⁻¹ recovers W* exactly (noise = 0).
  const Mat& X = t.data.inputs;
  const Mat& Y = t.data.targets;
  const Mat w_hat = (X * X.transpose()).ldlt().solve(X * Y.transpose()).transpose();
  BOOST_TEST((w_hat - t.weight).cwiseAbs().maxCoeff() < 1e-10);
  BOOST_TEST((Y - t.weight * X).cwiseAbs().maxCoeff() < 1e-12);
  // W* entries N(0, 1/d): the mean square is ≈ 1/d.
  BOOST_TEST(std::abs(t.weight.squaredNorm() / t.weight.size() * d - 1.0) < 0.35);

  // The spec path gives the same data; noise changes only the targets, by σ on average.
  const Dataset s = make_dataset(data_spec("mlp:data=teacher-linear,n=200,data_seed=9"), d, k);
  BOOST_TEST((s.inputs == X));
  BOOST_TEST((s.targets == Y));
  const Dataset noisy = make_dataset(data_spec("mlp:data=teacher-linear,n=200,data_seed=9,noise=0.5"), d, k);
  BOOST_TEST((noisy.inputs == X));
  const double residual_std = std::sqrt((noisy.targets - Y).squaredNorm() / static_cast<double>(k * n));
  BOOST_TEST(std::abs(residual_std - 0.5) < 0.05);

  const LinearTeacher c = make_teacher_linear(d, k, n, 0.0, true, 9);
  BOOST_TEST((c.data.labels == argmax_labels(Y)));
}

BOOST_AUTO_TEST_CASE(teacher_mlp_matches_forward_pass) {
  const Index d = 5, k = 3, n = 40;
  const MlpTeacher t = make_teacher_mlp(d, k, {7, 6}, Activation::tanh, n, 0.0, false, 11);
  BOOST_TEST((t.widths == std::vector<Index>{5, 7, 6, 3}));
  BOOST_TEST(t.theta.size() == 5 * 7 + 7 * 6 + 6 * 3);
  // Independent forward pass: row-major weights, no bias, tanh on hidden layers only.
  Mat h = t.data.inputs;
  Index offset = 0;
  for (std::size_t l = 0; l + 1 < t.widths.size(); ++l) {
    const Index out = t.widths[l + 1], in = t.widths[l];
    const Mat w = Eigen::Map<const RowMat>(t.theta.data() + offset, out, in);
    offset += out * in;
    h = w * h;
    if (l + 2 < t.widths.size()) h = h.array().tanh().matrix();
  }
  BOOST_TEST((h - t.data.targets).cwiseAbs().maxCoeff() < 1e-12);
  const Dataset s =
      make_dataset(data_spec("mlp:data=teacher-mlp,n=40,data_seed=11,teacher_widths=7-6,teacher_act=tanh"), d, k);
  BOOST_TEST((s.targets == t.data.targets));
  expect_input_error([] { make_dataset(data_spec("mlp:data=teacher-mlp,teacher_act=sigmoid"), 3, 1); },
                     {"key 'teacher_act'"});
  expect_input_error([] { make_dataset(data_spec("mlp:data=teacher-mlp,teacher_widths=4-x"), 3, 1); },
                     {"key 'teacher_widths'"});
  expect_input_error([] { make_dataset(data_spec("mlp:data=teacher-linear,teacher_widths=4"), 3, 1); },
                     {"key 'teacher_widths'"});
}

BOOST_AUTO_TEST_CASE(hierarchical_exact_properties) {
  const Dataset h = make_dataset(data_spec("linear:data=hierarchical"), 32, 1000);
  BOOST_TEST(h.size() == 32);
  BOOST_TEST((h.inputs == Mat::Identity(32, 32)));
  BOOST_TEST(((h.targets.array() == 1.0) || (h.targets.array() == -1.0)).all());
  BOOST_TEST((h.targets == make_dataset(data_spec("linear:data=hierarchical"), 32, 1000).targets));
  BOOST_TEST((!(h.targets == make_dataset(data_spec("linear:data=hierarchical,data_seed=2"), 32, 1000).targets)));
  // Saxe's sum convention: Σ¹¹ = I, Σ³¹ = targets.
  BOOST_TEST((input_correlation(h) == Mat::Identity(32, 32)));
  BOOST_TEST((input_output_correlation(h) == h.targets));
  // flip = 0: every item equal to the root; flip = 1: siblings equal (two flips).
  const Dataset none = make_hierarchical(3, 50, 0.0, 1);
  for (Index i = 1; i < 8; ++i) BOOST_TEST((none.targets.col(i) == none.targets.col(0)));
  const Dataset all = make_hierarchical(3, 50, 1.0, 1);
  for (Index i = 1; i < 8; ++i) BOOST_TEST((all.targets.col(i) == all.targets.col(0)));  // 3 flips each

  expect_input_error([] { make_dataset(data_spec("linear:data=hierarchical"), 16, 1000); },
                     {"key 'levels'", "32 items"});
  expect_input_error([] { make_dataset(data_spec("linear:data=hierarchical"), 32, 10); },
                     {"key 'features'", "output width"});
  expect_input_error([] { make_dataset(data_spec("linear:data=hierarchical,n=64"), 32, 1000); }, {"key 'n'"});
  expect_input_error([] { make_dataset(data_spec("linear:data=hierarchical,flip=1.5"), 32, 1000); },
                     {"key 'flip'"});
  BOOST_TEST(make_dataset(data_spec("linear:data=hierarchical,levels=3,features=20,n=8"), 8, 20).size() == 8);
}

// Two leaves whose lowest common ancestor is m edges up differ on a feature with
// probability p_m = (1 − (1 − 2f)^{2m})/2 (an odd number of flips on 2m edges);
// for siblings (m = 1) that is 2f(1 − f).
BOOST_AUTO_TEST_CASE(hierarchical_flip_statistics_and_block_structure) {
  const int levels = 5;
  const double flip = 0.1;
  const Index features = 4000, items = 32;
  const Dataset h = make_hierarchical(levels, features, flip, 2024);
  // Mean disagreement and mean correlation per LCA height m.
  std::vector<double> differ(levels + 1, 0.0), pairs(levels + 1, 0.0);
  for (Index i = 0; i < items; ++i)
    for (Index j = i + 1; j < items; ++j) {
      int m = 0;
      while ((i >> m) != (j >> m)) ++m;
      differ[m] += (h.targets.col(i).array() != h.targets.col(j).array()).count();
      pairs[m] += static_cast<double>(features);
    }
  for (int m = 1; m <= levels; ++m) {
    const double p_hat = differ[m] / pairs[m];
    const double p = 0.5 * (1.0 - std::pow(1.0 - 2.0 * flip, 2 * m));
    // The pairs sharing an LCA are correlated; bound with the pessimistic count of one
    // independent pair per feature and per LCA node (2^{levels−m} nodes).
    const double independent = static_cast<double>(features) * std::pow(2.0, levels - m);
    const double bound = 5.0 * std::sqrt(p * (1 - p) / independent);
    BOOST_TEST_MESSAGE("LCA height " << m << ": disagreement " << p_hat << " expected " << p << " ± " << bound);
    BOOST_TEST(std::abs(p_hat - p) < bound);
    if (m > 1) BOOST_TEST(differ[m] / pairs[m] > differ[m - 1] / pairs[m - 1]);  // deeper ancestor ⇒ more alike
  }
  BOOST_TEST(std::abs(differ[1] / pairs[1] - 2 * flip * (1 - flip)) < 0.01);
}

// The item–item correlation C = E[YᵀY]/F has C_ij = q^{m(i,j)}, q = (1 − 2f)², m = LCA
// height: a hierarchical (ultrametric) matrix whose eigenvectors are the Haar wavelets of
// the tree. The mode splitting a node of height h has eigenvalue
//   λ_h = 1 + Σ_{m<h} 2^{m−1} q^m − 2^{h−1} q^h   (multiplicity 2^{levels−h}),
// and the constant mode λ₀ = 1 + Σ_{m≤levels} 2^{m−1} q^m. The singular values of Σ³¹ = Y
// are ≈ √(F λ): levels + 1 clusters with multiplicities 1, 1, 2, 4, 8, 16.
BOOST_AUTO_TEST_CASE(hierarchical_svd_groups_by_level) {
  const int levels = 5;
  const double flip = 0.1, q = std::pow(1 - 2 * flip, 2);
  const Index features = 1000;
  std::vector<double> expected;  // sorted descending with multiplicities
  std::vector<int> multiplicity;
  double constant = 1.0;
  for (int m = 1; m <= levels; ++m) constant += std::pow(2.0, m - 1) * std::pow(q, m);
  expected.push_back(constant);
  multiplicity.push_back(1);
  for (int h = levels; h >= 1; --h) {
    double lambda = 1.0 - std::pow(2.0, h - 1) * std::pow(q, h);
    for (int m = 1; m < h; ++m) lambda += std::pow(2.0, m - 1) * std::pow(q, m);
    expected.push_back(lambda);
    multiplicity.push_back(1 << (levels - h));
  }
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const Dataset h = make_hierarchical(levels, features, flip, seed);
    const Vec s = Eigen::JacobiSVD<Mat>(input_output_correlation(h)).singularValues();  // descending
    Index k = 0;
    double previous_min = 1e300;
    for (std::size_t c = 0; c < expected.size(); ++c) {
      const Vec cluster = s.segment(k, multiplicity[c]);
      k += multiplicity[c];
      const double predicted = std::sqrt(static_cast<double>(features) * expected[c]);
      BOOST_TEST_MESSAGE("seed " << seed << " cluster " << c << " (x" << multiplicity[c] << "): "
                                 << cluster.minCoeff() << ".." << cluster.maxCoeff() << " predicted " << predicted);
      BOOST_TEST(std::abs(cluster.mean() / predicted - 1.0) < 0.12);
      // Clusters are ordered and (loosely) separated: each sits below the previous one.
      BOOST_TEST(cluster.maxCoeff() < previous_min * 1.02);
      previous_min = cluster.minCoeff();
    }
    BOOST_TEST(k == 32);
  }
}

BOOST_AUTO_TEST_CASE(centre_and_whiten) {
  const Dataset c = make_dataset(data_spec("mlp:data=gaussian,n=500,centre=true"), 4, 1);
  BOOST_TEST(c.inputs.rowwise().mean().cwiseAbs().maxCoeff() < 1e-12);
  // Correlated inputs: whitening gives (1/n) X Xᵀ = I (up to eps / λ).
  Dataset w = make_gaussian(5, 1, 2000, false, 3);
  Mat mix = Mat::Identity(5, 5);
  mix(0, 1) = 3.0;
  mix(4, 2) = -2.0;
  w.inputs = (mix * w.inputs).array() + 4.0;
  whiten_inputs(w, 1e-10);
  const Mat cov = w.inputs * w.inputs.transpose() / 2000.0;
  BOOST_TEST((cov - Mat::Identity(5, 5)).cwiseAbs().maxCoeff() < 1e-8);
  BOOST_TEST(w.inputs.rowwise().mean().cwiseAbs().maxCoeff() < 1e-12);
  // ZCA is symmetric: whitening already-white data is (nearly) the identity map.
  const Mat before = w.inputs;
  whiten_inputs(w, 1e-10);
  BOOST_TEST((w.inputs - before).cwiseAbs().maxCoeff() < 1e-6);
  const Dataset s = make_dataset(data_spec("mlp:data=gaussian,n=400,whiten=true"), 3, 1);
  BOOST_TEST(((s.inputs * s.inputs.transpose() / 400.0) - Mat::Identity(3, 3)).cwiseAbs().maxCoeff() < 1e-4);
  // Full rank: whiten_eps = 0 is exact whitening.
  const Dataset exact = make_dataset(data_spec("mlp:data=gaussian,n=400,whiten=true,whiten_eps=0"), 3, 1);
  BOOST_TEST(((exact.inputs * exact.inputs.transpose() / 400.0) - Mat::Identity(3, 3)).cwiseAbs().maxCoeff() < 1e-12);
}

// Fewer samples than inputs: after centring the covariance has rank n − 1 < d, and its
// "zero" eigenvalues are rounding noise (±1e-17 or so). Whitening with whiten_eps = 0 (or
// an eps below the rounding level) would blow that noise up by ~1e8: an error naming
// whiten_eps, whatever the sign the rounding happens to give (several data seeds).
BOOST_AUTO_TEST_CASE(whitening_rank_deficient_data_needs_eps) {
  for (int seed = 1; seed <= 8; ++seed) {
    BOOST_TEST_CONTEXT("data_seed " << seed) {
      const std::string base = "mlp:data=gaussian,n=4,whiten=true,data_seed=" + std::to_string(seed);
      expect_input_error([&] { make_dataset(data_spec(base + ",whiten_eps=0"), 5, 1); },
                         {"key 'whiten_eps'", "singular"});
      expect_input_error([&] { make_dataset(data_spec(base + ",whiten_eps=1e-300"), 5, 1); },
                         {"key 'whiten_eps'", "too small"});
      // A regularising eps: finite, and the null directions stay (near) zero.
      const Dataset d = make_dataset(data_spec(base + ",whiten_eps=1e-5"), 5, 1);
      BOOST_TEST(d.inputs.allFinite());
      BOOST_TEST(d.inputs.cwiseAbs().maxCoeff() < 10.0);
    }
  }
  // Constant inputs (zero covariance) with eps = 0.
  Dataset constant = make_gaussian(3, 1, 10, false, 1);
  constant.inputs.setConstant(2.0);
  BOOST_CHECK_THROW(whiten_inputs(constant, 0.0), InputError);
}

BOOST_AUTO_TEST_SUITE_END()
