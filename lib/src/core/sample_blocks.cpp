// Sample blocks and the in-process block backend (sample_blocks.hpp).
//
// The in-process sum: tasks are handed out in block order (threads.hpp parallel_for); block 0
// writes straight into `out`, block b > 0 into slot b mod W (W = 2 × the width), and the
// partials are folded into `out` strictly in block order as they become ready, by whichever
// task finds the next one ready (the others do not wait for the fold). A block may start only
// when the block W before it has been folded, so at most W partials exist at a time. The adds
// are element-wise (Eigen's vectorised += adds each element once), so the bits are those of
// the serial loop out = p_0; out += p_1; out += p_2; … for any width.
#include "optdyn/core/sample_blocks.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "optdyn/core/threads.hpp"

namespace optdyn {

namespace {

std::atomic<Index> g_block_samples{kDefaultBlockSamples};

class ThreadBlockBackend final : public BlockBackend {
  // The partial buffers of a sum, kept between sums (most sums at a point are the same
  // length: one HVP after another) unless they are large; a concurrent sum gets its own.
  static constexpr Index kKeptDoubles = Index{1} << 24;  // 128 MiB
  mutable std::mutex cache_mutex_;
  mutable std::vector<Vec> cache_;
  struct Buffers {
    Buffers(const ThreadBlockBackend& backend, Index count) : lock(backend.cache_mutex_, std::try_to_lock) {
      if (lock.owns_lock()) slots.swap(backend.cache_);
      slots.resize(static_cast<std::size_t>(count));
      owner = &backend;
    }
    ~Buffers() {
      if (!lock.owns_lock()) return;
      Index doubles = 0;
      for (const Vec& v : slots) doubles += v.size();
      if (doubles <= kKeptDoubles) slots.swap(owner->cache_);
    }
    std::unique_lock<std::mutex> lock;
    std::vector<Vec> slots;
    const ThreadBlockBackend* owner = nullptr;
  };

 public:
  std::string name() const override { return "threads"; }
  bool local(Index, Index) const override { return true; }

  void for_each(Index blocks, const BlockTask& task) const override { parallel_for(blocks, task); }

  void gather(Index blocks, std::span<const Index> offsets, const BlockFill& fill, double* out) const override {
    if (static_cast<Index>(offsets.size()) != blocks + 1)
      throw std::invalid_argument("BlockBackend::gather: " + std::to_string(offsets.size()) + " offsets for " +
                                  std::to_string(blocks) + " blocks");
    parallel_for(blocks, [&](Index b) { fill(b, out + offsets[b]); });
  }

  void sum(Index blocks, Index m, const BlockFill& fill, double* out) const override {
    if (blocks <= 0) {
      std::fill_n(out, m, 0.0);
      return;
    }
    const Index width = std::min<Index>(threads(), blocks);
    const bool serial = width <= 1 || in_parallel_region();
    if (serial && blocks == 1) {
      fill(0, out);
      return;
    }
    const Index window = serial ? 1 : 2 * width;
    Buffers buffers(*this, window);
    std::vector<Vec>& slots = buffers.slots;
    if (serial) {
      fill(0, out);
      Vec& partial = slots[0];
      if (partial.size() != m) partial.resize(m);
      for (Index b = 1; b < blocks; ++b) {
        fill(b, partial.data());
        Eigen::Map<Vec>(out, m) += partial;
      }
      return;
    }
    std::vector<char> ready(static_cast<std::size_t>(window), 0);
    std::mutex mutex;
    std::condition_variable advanced;
    Index folded = 0;       // blocks already added into out
    Index failed = blocks;  // the lowest block whose fill threw
    bool folding = false;   // a task is adding partials into out
    parallel_for(
        blocks,
        [&](Index b) {
          const std::size_t s = static_cast<std::size_t>(b % window);
          {
            std::unique_lock lock(mutex);
            advanced.wait(lock, [&] { return b < folded + window || failed < b; });
            if (failed < b) return;
          }
          double* partial = out;
          if (b > 0) {
            if (slots[s].size() != m) slots[s].resize(m);
            partial = slots[s].data();
          }
          try {
            fill(b, partial);
          } catch (...) {
            {
              std::lock_guard lock(mutex);
              failed = std::min(failed, b);
            }
            advanced.notify_all();
            throw;
          }
          std::unique_lock lock(mutex);
          ready[s] = 1;
          if (folding) return;  // the folding task will find it
          folding = true;
          while (folded < blocks && ready[static_cast<std::size_t>(folded % window)]) {
            const Index f = folded;
            const std::size_t fs = static_cast<std::size_t>(f % window);
            lock.unlock();
            if (f > 0) Eigen::Map<Vec>(out, m) += slots[fs];
            lock.lock();
            ready[fs] = 0;
            ++folded;
            advanced.notify_all();
          }
          folding = false;
        },
        static_cast<int>(width));
  }
};

std::shared_ptr<const BlockBackend>& backend_holder() {
  static std::shared_ptr<const BlockBackend> holder = thread_block_backend();
  return holder;
}

}  // namespace

Index block_samples() { return g_block_samples.load(); }

void set_block_samples(Index size) {
  if (size < 1) throw std::invalid_argument("set_block_samples: " + std::to_string(size) + " < 1");
  g_block_samples.store(size);
}

std::shared_ptr<const BlockBackend> thread_block_backend() {
  static const std::shared_ptr<const BlockBackend> backend = std::make_shared<ThreadBlockBackend>();
  return backend;
}

const BlockBackend& block_backend() { return *backend_holder(); }

void set_block_backend(std::shared_ptr<const BlockBackend> backend) {
  backend_holder() = backend ? std::move(backend) : thread_block_backend();
}

double sum_over_blocks(Index blocks, const std::function<double(Index block)>& value) {
  double out = 0.0;
  block_backend().sum(blocks, 1, [&](Index b, double* partial) { *partial = value(b); }, &out);
  return out;
}

}  // namespace optdyn
