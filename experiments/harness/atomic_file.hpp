#pragma once
// Every output file is written to `<name>.tmp` and renamed into place (rename(2) is atomic
// within a file system), so a crash or an interrupted run never leaves a truncated file
// under its final name.
//
// Exceptions, so that nothing outside the run is ever destroyed: a target that exists and
// is not a regular file (/dev/null, /dev/stdout, a named pipe) is written in place, never
// replaced; a symbolic link is followed and the file it points to is replaced, not the
// link; a directory is refused with an InputError naming it.
#include <filesystem>
#include <string_view>

namespace optdyn::harness {

// The file that will be written for `path`: symlinks resolved; InputError for a directory.
std::filesystem::path output_target(const std::filesystem::path& path);

// Where output for `path` is staged: `<target>.tmp`, or the target itself when it is a
// device or pipe (then commit_temporary does nothing).
std::filesystem::path temporary_path(const std::filesystem::path& path);

// Writes `content` to temporary_path(path), flushes, closes and renames it into place.
// Throws InputError naming the file if it cannot be written (the .tmp file is removed).
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Renames temporary_path(path) into place; on failure removes it and throws InputError.
void commit_temporary(const std::filesystem::path& path);

}  // namespace optdyn::harness
