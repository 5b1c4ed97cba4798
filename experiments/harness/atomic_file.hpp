#pragma once
// Every output file is written to `<name>.tmp` and renamed into place (rename(2) is atomic
// within a file system), so a crash or an interrupted run never leaves a truncated file
// under its final name.
#include <filesystem>
#include <string_view>

namespace optdyn::harness {

// `<path>.tmp`: the temporary name used while a file is being written.
std::filesystem::path temporary_path(const std::filesystem::path& path);

// Writes `content` to temporary_path(path), flushes, closes and renames it to `path`.
// Throws InputError naming the file if it cannot be written.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Renames temporary_path(path) to path; throws InputError naming the file on failure.
void commit_temporary(const std::filesystem::path& path);

}  // namespace optdyn::harness
