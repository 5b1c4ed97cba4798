#include "harness/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <limits.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <utility>

#include "harness/signal_block.hpp"
#include "harness/signal_cleanup.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::harness {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);
constexpr std::size_t kBufferBytes = std::size_t{1} << 16;

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
  throw InputError("cannot write '" + output_name(path) + "': " + why);
}

const char* kNotRegularRefusal =
    "exists and is not a regular file (a device, named pipe or socket: only the main output may be one)";

const char* kSymlinkRefusal =
    "is a symbolic link (optdyn never writes through a link: remove it or give the target's path)";

// `<name>.<pid>-<16 random hex digits>.tmp` next to the target: unique per process and per
// call, and in the same directory so that rename() stays within one file system. The name
// is cut so that the temporary's name stays below NAME_MAX.
fs::path temporary_name(const fs::path& path) {
  static std::random_device device;
  const std::uint64_t random = (std::uint64_t{device()} << 32) ^ device();
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, ".%ld-%016llx.tmp", static_cast<long>(::getpid()),
                static_cast<unsigned long long>(random));
  std::string name = path.filename().string();
  if (name.size() > 200) name.resize(200);
  return path.parent_path() / (name + suffix);
}

bool g_discard_outputs = false;

}  // namespace

void discard_outputs() { g_discard_outputs = true; }
bool outputs_discarded() { return g_discard_outputs; }

bool is_stdout(const fs::path& path) { return path.native() == "-" || path.native() == "/dev/stdout"; }

std::string output_name(const fs::path& path) { return path.native() == "-" ? "- (standard output)" : path.string(); }

OutputFile::OutputFile(fs::path path, bool allow_in_place)
    : path_(std::move(path)), staged_(path_), allow_in_place_(allow_in_place) {
  buffer_.reserve(kBufferBytes);
  if (path_.empty()) throw InputError("--out: empty path");
  if (g_discard_outputs) {  // a rank > 0: its bytes go nowhere
    fd_ = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) refuse(path_, std::string("/dev/null: ") + std::strerror(errno));
    in_place_ = true;
    return;
  }
  if (is_stdout(path_)) {
    // A closed stdout (`>&-`): fd 1 may later be reused by an unrelated file; refuse now.
    // (prepare_process() put /dev/null there: still refused.)
    if (standard_output_closed() || ::fcntl(STDOUT_FILENO, F_GETFD) == -1) refuse(path_, "standard output is closed");
    fd_ = STDOUT_FILENO;
    in_place_ = true;
    owns_fd_ = false;
    return;
  }
  struct stat st{};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) refuse(path_, "is a directory");
    if (S_ISLNK(st.st_mode)) {
      struct stat target{};
      // A link to a device or pipe (/dev/stdout) is written in place; any other link is refused.
      if (!allow_in_place_ || ::stat(path_.c_str(), &target) != 0 || S_ISREG(target.st_mode) ||
          S_ISDIR(target.st_mode))
        refuse(path_, kSymlinkRefusal);
      in_place_ = true;
    } else if (!S_ISREG(st.st_mode)) {
      if (!allow_in_place_) refuse(path_, kNotRegularRefusal);
      in_place_ = true;
    }
  } else if (errno != ENOENT) {
    refuse(path_, std::strerror(errno));  // e.g. a name longer than NAME_MAX: before the run, not at its end
  }
  if (in_place_) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) refuse(path_, std::strerror(errno));
    struct stat opened{};
    // Swapped for a regular file between lstat and open: refuse rather than overwrite in place.
    if (::fstat(fd_, &opened) != 0 || S_ISREG(opened.st_mode)) {
      ::close(fd_);
      fd_ = -1;
      refuse(path_, kSymlinkRefusal);
    }
    return;
  }
  for (int attempt = 0;; ++attempt) {
    staged_ = temporary_name(path_);
    // The interrupt cleanup keeps paths below PATH_MAX; a longer one could not be created anyway.
    if (staged_.native().size() >= PATH_MAX) {
      staged_.clear();
      refuse(path_, "path too long (its temporary would exceed PATH_MAX)");
    }
    // Registered before it exists, so that no interrupt can leave it behind.
    cleanup_slot_ = register_cleanup(staged_.string());
    fd_ = ::open(staged_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd_ >= 0) return;
    const int error = errno;
    unregister_cleanup(std::exchange(cleanup_slot_, kNoSlot));
    if (error != EEXIST || attempt >= 16) {
      staged_.clear();
      refuse(path_, std::strerror(error));
    }
  }
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : path_(std::move(other.path_)),
      staged_(std::move(other.staged_)),
      buffer_(std::move(other.buffer_)),
      fd_(std::exchange(other.fd_, -1)),
      in_place_(other.in_place_),
      owns_fd_(other.owns_fd_),
      finished_(other.finished_),
      committed_(other.committed_),
      cleanup_slot_(std::exchange(other.cleanup_slot_, kNoSlot)) {
  other.staged_.clear();
  other.finished_ = other.committed_ = true;
}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    discard();
    path_ = std::move(other.path_);
    staged_ = std::move(other.staged_);
    buffer_ = std::move(other.buffer_);
    fd_ = std::exchange(other.fd_, -1);
    in_place_ = other.in_place_;
    owns_fd_ = other.owns_fd_;
    finished_ = other.finished_;
    committed_ = other.committed_;
    cleanup_slot_ = std::exchange(other.cleanup_slot_, kNoSlot);
    other.staged_.clear();
    other.finished_ = other.committed_ = true;
  }
  return *this;
}

OutputFile::~OutputFile() { discard(); }

void OutputFile::fail(const std::string& what, int error) {
  discard();
  refuse(path_, what + std::strerror(error));
}

int write_all(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

void OutputFile::flush() {
  if (const int error = write_all(fd_, buffer_)) fail("", error);
  buffer_.clear();
}

void OutputFile::write(std::string_view bytes) {
  if (finished_) throw std::logic_error("OutputFile '" + path_.string() + "': write after finish");
  buffer_.append(bytes);
  if (buffer_.size() >= kBufferBytes) flush();
}

void OutputFile::finish() {
  if (finished_) return;
  flush();
  // The data must be on disk before the rename makes it visible (else a crash can leave an
  // empty file under the final name). Devices and pipes need no sync.
  if (!in_place_) {
    // Replacing a file keeps its permission bits (a chmod 600 result stays private).
    struct stat existing{};
    if (::lstat(path_.c_str(), &existing) == 0 && S_ISREG(existing.st_mode))
      ::fchmod(fd_, existing.st_mode & 07777);
    if (::fsync(fd_) != 0) fail("fsync: ", errno);
  }
  if (owns_fd_) {
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0 && errno != EINTR) fail("close: ", errno);
  }
  finished_ = true;
}

void OutputFile::check_final() const {
  if (in_place_ || committed_) return;
  struct stat st{};
  if (::lstat(path_.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    refuse(path_, std::strerror(errno));  // the rename would fail the same way (ENAMETOOLONG, ...)
  }
  // rename() would replace a link planted since the constructor; refuse it as there.
  if (S_ISLNK(st.st_mode)) refuse(path_, kSymlinkRefusal);
  if (S_ISDIR(st.st_mode)) refuse(path_, "is a directory");
  if (!S_ISREG(st.st_mode)) refuse(path_, kNotRegularRefusal);
}

void OutputFile::commit() {
  if (committed_) return;
  finish();
  if (!in_place_) {
    try {
      check_final();
    } catch (...) {
      discard();
      throw;
    }
    if (::rename(staged_.c_str(), path_.c_str()) != 0) fail("", errno);
    unregister_cleanup(std::exchange(cleanup_slot_, kNoSlot));
    sync_directory(path_.parent_path());
  }
  committed_ = true;
}

void OutputFile::discard() noexcept {
  if (fd_ >= 0 && owns_fd_) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  if (!in_place_ && !committed_ && !staged_.empty()) ::unlink(staged_.c_str());
  unregister_cleanup(std::exchange(cleanup_slot_, kNoSlot));
  finished_ = true;
}

void sync_directory(const fs::path& dir) {
  const fs::path d = dir.empty() ? fs::path(".") : dir;
  const int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);  // EINVAL on file systems that cannot sync a directory: nothing more to do
  ::close(fd);
}

void commit_all(const std::vector<OutputFile*>& files, const std::function<void()>& before_renames) {
  const SignalBlock block;
  for (OutputFile* f : files) f->finish();
  for (const OutputFile* f : files) f->check_final();
  if (before_renames && !g_discard_outputs) before_renames();
  for (OutputFile* f : files) f->commit();
}

void check_replaceable(const fs::path& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (S_ISLNK(st.st_mode)) refuse(path, kSymlinkRefusal);
  if (S_ISDIR(st.st_mode)) refuse(path, "is a directory");
  if (!S_ISREG(st.st_mode)) refuse(path, kNotRegularRefusal);
}

bool written_in_place(const fs::path& path) {
  if (is_stdout(path)) return true;
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return false;
  if (!S_ISLNK(st.st_mode)) return true;
  struct stat target{};
  return ::stat(path.c_str(), &target) == 0 && !S_ISREG(target.st_mode) && !S_ISDIR(target.st_mode);
}

void write_file_atomically(const fs::path& path, std::string_view content) {
  OutputFile file(path);
  file.write(content);
  file.commit();
}

}  // namespace optdyn::harness
