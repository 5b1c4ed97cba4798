#include "harness/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <limits.h>
#include <signal.h>

#include <cerrno>
#include <string_view>
#include <cctype>
#include <cstring>
#include <utility>

#include "harness/output_file.hpp"
#include "harness/signal_block.hpp"
#include "harness/signal_cleanup.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::harness {
namespace fs = std::filesystem;

namespace {
constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);
}

namespace {

// A lock file is always empty and regular; anything else at its name is the user's (a file,
// a named pipe, a link): refused, never opened, locked or removed.
void check_lock_name(const fs::path& path, const std::string& what) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (S_ISLNK(st.st_mode))
    throw InputError("cannot write '" + what + "': its lock file '" + path.string() +
                     "' is a symbolic link (optdyn never writes through a link: remove it)");
  if (!S_ISREG(st.st_mode) || st.st_size != 0)
    throw InputError("cannot write '" + what + "': its lock file name '" + path.string() +
                     "' holds something else (not an empty regular file: remove or rename it)");
}

bool same_file(int fd, const fs::path& path) {
  struct stat opened{}, named{};
  return ::fstat(fd, &opened) == 0 && ::lstat(path.c_str(), &named) == 0 && opened.st_dev == named.st_dev &&
         opened.st_ino == named.st_ino;
}

}  // namespace

OutputLock::OutputLock(const fs::path& lock_file, const std::string& what) : path_(lock_file) {
  // No interrupt between creating the lock file and registering it for removal (a SIGTERM
  // there would leave the file behind); one sent meanwhile is delivered when this returns.
  const SignalBlock block;
  if (path_.native().size() >= PATH_MAX)
    throw InputError("cannot write '" + what + "': its lock file name '" + path_.string() + "' is too long (PATH_MAX)");
  for (int attempt = 0;; ++attempt) {
    check_lock_name(path_, what);
    // O_NONBLOCK: a named pipe swapped in after the check must not block the open.
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd < 0) {
      if (errno == ELOOP) check_lock_name(path_, what);
      throw InputError("cannot write '" + what + "': cannot create its lock file '" + path_.string() +
                       "': " + std::strerror(errno));
    }
    struct stat opened{};
    if (::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode) || opened.st_size != 0) {
      ::close(fd);
      check_lock_name(path_, what);
      throw InputError("cannot write '" + what + "': its lock file name '" + path_.string() +
                       "' holds something else (not an empty regular file: remove or rename it)");
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      ::close(fd);
      if (error == EWOULDBLOCK)
        throw InputError("cannot write '" + what + "': another optdyn run is writing it (lock '" + path_.string() +
                         "' is held)");
      throw InputError("cannot write '" + what + "': cannot lock '" + path_.string() + "': " + std::strerror(error));
    }
    if (same_file(fd, path_)) {
      fd_ = fd;
      break;
    }
    // The previous owner removed the file between our open and our flock: lock the new one.
    ::close(fd);
    if (attempt >= 100) throw InputError("cannot write '" + what + "': cannot lock '" + path_.string() + "'");
  }
  try {
    cleanup_slot_ = register_cleanup(path_.string());
  } catch (...) {
    release();
    throw;
  }
}

OutputLock::OutputLock(OutputLock&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      shared_fd_(std::exchange(other.shared_fd_, -1)),
      cleanup_slot_(std::exchange(other.cleanup_slot_, kNoSlot)) {}

OutputLock& OutputLock::operator=(OutputLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    shared_fd_ = std::exchange(other.shared_fd_, -1);
    cleanup_slot_ = std::exchange(other.cleanup_slot_, kNoSlot);
  }
  return *this;
}

OutputLock::~OutputLock() { release(); }

void OutputLock::release() noexcept {
  if (shared_fd_ >= 0) ::close(std::exchange(shared_fd_, -1));  // never removed: not ours
  if (fd_ < 0) return;
  // Unlink while still holding the lock: a waiting run then sees that its file is gone. Only
  // if the name still refers to the file locked (something renamed over it is not ours).
  if (same_file(fd_, path_)) ::unlink(path_.c_str());
  unregister_cleanup(std::exchange(cleanup_slot_, kNoSlot));
  ::close(std::exchange(fd_, -1));
}

OutputLock lock_directory(const fs::path& dir) {
  if (outputs_discarded()) return {};  // a rank > 0: rank 0 holds the lock
  return OutputLock(dir / kDirectoryLockName, dir.string());
}

bool is_stale_temporary(const std::string& name) {
  // NAME.<pid>-<16 hex digits>.tmp (harness/output_file.cpp) of a process that no longer exists.
  if (!name.ends_with(".tmp") || name.size() < 4 + 17 + 2) return false;
  const std::string_view stem(name.data(), name.size() - 4);
  const std::size_t dash = stem.rfind('-');
  if (dash == std::string_view::npos || stem.size() - dash - 1 != 16) return false;
  for (char c : stem.substr(dash + 1))
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  const std::size_t dot = stem.rfind('.', dash);
  if (dot == std::string_view::npos || dot + 1 == dash) return false;
  long pid = 0;
  for (char c : stem.substr(dot + 1, dash - dot - 1)) {
    if (c < '0' || c > '9' || pid > 1'000'000'000) return false;
    pid = pid * 10 + (c - '0');
  }
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

void remove_stale_temporaries(const fs::path& dir) { (void)directory_is_empty(dir); }

bool directory_is_empty(const fs::path& dir) {
  std::error_code ec;
  bool empty = true;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == kDirectoryLockName) continue;
    // A temporary left by a run killed with SIGKILL: removed, not counted.
    if (is_stale_temporary(name) && entry.is_regular_file(ec) && ::unlink(entry.path().c_str()) == 0) continue;
    empty = false;
  }
  return empty;
}

ClaimedDirectory claim_output_directory(const fs::path& dir, bool force) {
  ClaimedDirectory claimed;
  claimed.path = dir;
  std::error_code ec;
  if (dir.native() == "-")
    throw InputError("--out '-': an output directory cannot be standard output (give a directory name)");
  if (outputs_discarded()) {  // a rank > 0: rank 0 claims DIR
    claimed.started_empty = true;
    return claimed;
  }
  struct stat st{};
  if (::lstat(dir.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
    throw InputError("--out '" + dir.string() +
                     "': is a symbolic link (optdyn never writes through a link: remove it or give the target's path)");
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw InputError("--out '" + dir.string() + "': exists and is not a directory");
  } else {
    fs::create_directories(dir, ec);
    if (ec) throw InputError("--out '" + dir.string() + "': cannot create directory: " + ec.message());
    claimed.created = true;
  }
  try {
    claimed.lock = lock_directory(dir);
    claimed.started_empty = directory_is_empty(dir);
    if (!claimed.started_empty && !force)
      throw InputError("--out '" + dir.string() + "': directory is not empty (pass --force to overwrite)");
    // A named pipe, device or socket in DIR would block or break the commit: refused up front.
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const auto type = entry.symlink_status(ec).type();
      if (type == fs::file_type::fifo || type == fs::file_type::character || type == fs::file_type::block ||
          type == fs::file_type::socket)
        throw InputError("--out '" + dir.string() + "': '" + entry.path().filename().string() +
                         "' is not a regular file (a named pipe, device or socket: remove it)");
    }
  } catch (...) {
    claimed.lock.release();
    if (claimed.created) fs::remove(dir, ec);
    throw;
  }
  return claimed;
}

void ClaimedDirectory::abandon() noexcept {
  lock.release();
  std::error_code ec;
  if (created && !path.empty() && fs::is_directory(path, ec) && directory_is_empty(path)) fs::remove(path, ec);
  created = false;
}

OutputLock lock_output_file(const fs::path& file) {
  // stdout, a device or pipe (written in place), or a rank > 0 (rank 0 holds the lock).
  if (written_in_place(file) || outputs_discarded()) return {};
  const std::string name = file.filename().string();
  if (name.ends_with(".lock"))
    throw InputError("cannot write '" + file.string() + "': names ending in .lock are optdyn's lock files");
  fs::path lock = file;
  lock += ".lock";
  OutputLock result(lock, file.string());
  // A directory held by an experiment, compare or spectrum run (exclusive DIR/.optdyn.lock):
  // refused. The directory lock is taken shared, and only if it exists (never created here).
  const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const fs::path dir_lock = dir / kDirectoryLockName;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(dir_lock.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) break;
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      break;
    }
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
      const int error = errno;
      ::close(fd);
      if (error == EWOULDBLOCK)
        throw InputError("cannot write '" + file.string() + "': another optdyn run is writing its directory (lock '" +
                         dir_lock.string() + "' is held)");
      break;
    }
    if (same_file(fd, dir_lock)) {
      result.shared_fd_ = fd;
      break;
    }
    ::close(fd);  // removed by its owner meanwhile: look again
  }
  return result;
}

}  // namespace optdyn::harness
