#include "harness/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "harness/output_file.hpp"
#include "harness/signal_cleanup.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::harness {
namespace fs = std::filesystem;

namespace {
constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);
}

OutputLock::OutputLock(const fs::path& lock_file, const std::string& what) : path_(lock_file) {
  for (int attempt = 0;; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
      throw InputError("cannot write '" + what + "': cannot create its lock file '" + path_.string() +
                       "': " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      ::close(fd);
      if (error == EWOULDBLOCK)
        throw InputError("cannot write '" + what + "': another optdyn run is writing it (lock '" + path_.string() +
                         "' is held)");
      throw InputError("cannot write '" + what + "': cannot lock '" + path_.string() + "': " + std::strerror(error));
    }
    struct stat locked{}, named{};
    if (::fstat(fd, &locked) == 0 && ::lstat(path_.c_str(), &named) == 0 && locked.st_dev == named.st_dev &&
        locked.st_ino == named.st_ino) {
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
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), cleanup_slot_(std::exchange(other.cleanup_slot_, kNoSlot)) {}

OutputLock& OutputLock::operator=(OutputLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    cleanup_slot_ = std::exchange(other.cleanup_slot_, kNoSlot);
  }
  return *this;
}

OutputLock::~OutputLock() { release(); }

void OutputLock::release() noexcept {
  if (fd_ < 0) return;
  // Unlink while still holding the lock: a waiting run then sees that its file is gone.
  ::unlink(path_.c_str());
  unregister_cleanup(std::exchange(cleanup_slot_, kNoSlot));
  ::close(std::exchange(fd_, -1));
}

OutputLock lock_directory(const fs::path& dir) { return OutputLock(dir / kDirectoryLockName, dir.string()); }

bool directory_is_empty(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().filename() != kDirectoryLockName) return false;
  return true;
}

ClaimedDirectory claim_output_directory(const fs::path& dir, bool force) {
  ClaimedDirectory claimed;
  std::error_code ec;
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
  } catch (...) {
    claimed.lock.release();
    if (claimed.created) fs::remove(dir, ec);
    throw;
  }
  return claimed;
}

OutputLock lock_output_file(const fs::path& file) {
  if (is_stdout(file)) return {};
  struct stat st{};
  if (::stat(file.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return {};  // a device or pipe: written in place
  fs::path lock = file;
  lock += ".lock";
  return OutputLock(lock, file.string());
}

}  // namespace optdyn::harness
