// A standalone main for a libFuzzer target: runs LLVMFuzzerTestOneInput once on every file
// named on the command line (directories: every regular file in them), so that a seed corpus
// is a regression test in every build, not only in a clang fuzzing build. A crash or an
// escaping exception fails the test, as it would be a finding of the fuzzer.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  std::printf("ok %s (%zu bytes)\n", file.filename().c_str(), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t inputs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::directory_iterator(path))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else {
      files.push_back(path);
    }
    std::sort(files.begin(), files.end());  // a stable order for the log
    for (const auto& file : files) run(file), ++inputs;
  }
  if (inputs == 0) {
    std::fprintf(stderr, "corpus_driver: no inputs\n");
    return 1;
  }
  return 0;
}
