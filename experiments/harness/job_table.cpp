#include "harness/job_table.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"

namespace optdyn::harness {

namespace {

// The stream that separates replicate seeds from job seeds (both derive from the sweep seed).
constexpr std::uint64_t kReplicateStream = 0x7265706c69636174ULL;  // "replicat"

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

[[noreturn]] void bad_values(const std::string& key, const std::string& what) {
  throw InputError("sweep: key '" + key + "': " + what);
}

double parse_real(const std::string& key, std::string_view text) {
  double x = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(x))
    bad_values(key, "'" + std::string(text) + "' is not a finite number in double range (0, or |x| in [2.2e-308, 1.8e308])");
  return x;
}

long long parse_integer(const std::string& key, std::string_view text) {
  long long x = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || end != text.data() + text.size())
    bad_values(key, "'" + std::string(text) + "' is not an integer");
  return x;
}

std::vector<std::string_view> split_colons(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == ':') {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

// "a,b\,c" → {"a", "b,c"}.
std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> values(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == ',') {
      values.back() += ',';
      ++i;
    } else if (text[i] == ',') {
      values.emplace_back();
    } else {
      values.back() += text[i];
    }
  }
  return values;
}

// N evenly spaced points of [lo, hi] under the map `to` (identity or log10) and its
// inverse `from`: x_i = from(to(lo) + i·(to(hi) − to(lo))/(N − 1)), with x_0 = lo and
// x_{N−1} = hi exactly.
template <class To, class From>
std::vector<std::string> spaced(const std::string& key, std::vector<std::string_view> parts, To to, From from) {
  if (parts.size() != 4) bad_values(key, "expected " + std::string(parts[0]) + ":LO:HI:N");
  const double lo = parse_real(key, parts[1]), hi = parse_real(key, parts[2]);
  const long long n = parse_integer(key, parts[3]);
  if (n < 1 || static_cast<std::size_t>(n) > kMaxJobs)
    bad_values(key, "N must be between 1 and " + std::to_string(kMaxJobs) + ", got " + std::string(parts[3]));
  std::vector<std::string> values;
  const double a = to(lo), b = to(hi);
  for (long long i = 0; i < n; ++i) {
    double x = i == 0 ? lo : i == n - 1 ? hi : from(a + static_cast<double>(i) * (b - a) / static_cast<double>(n - 1));
    values.push_back(format_shortest(x));
  }
  return values;
}

std::vector<std::string> integer_range(const std::string& key, const std::vector<std::string_view>& parts) {
  if (parts.size() != 3 && parts.size() != 4) bad_values(key, "expected range:A:B or range:A:B:STEP");
  const long long a = parse_integer(key, parts[1]), b = parse_integer(key, parts[2]);
  const long long step = parts.size() == 4 ? parse_integer(key, parts[3]) : 1;
  if (step <= 0) bad_values(key, "range step must be > 0");
  if (b < a) bad_values(key, "range:A:B needs A <= B");
  const double count = (static_cast<double>(b) - static_cast<double>(a)) / static_cast<double>(step) + 1.0;
  if (count > static_cast<double>(kMaxJobs))
    bad_values(key, "the range has " + format_number(std::floor(count), 4) + " values, more than " +
                        std::to_string(kMaxJobs));
  std::vector<std::string> values;
  for (long long x = a; x <= b; x += step) {
    values.push_back(std::to_string(x));
    if (b - x < step) break;  // no overflow past B
  }
  return values;
}

std::pair<std::string, std::string_view> split_assignment(std::string_view assignment, std::string_view option) {
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos)
    throw InputError("sweep: " + std::string(option) + " '" + std::string(assignment) + "': expected KEY=VALUES");
  return {std::string(assignment.substr(0, eq)), assignment.substr(eq + 1)};
}

std::uint64_t seed53(std::uint64_t seed, std::uint64_t stream) { return Rng::derived(seed, stream).bits() >> 11; }

}  // namespace

std::vector<std::string> parse_value_list(const std::string& key, std::string_view text) {
  std::vector<std::string> values;
  if (text.starts_with("log:")) {
    const auto parts = split_colons(text);
    if (parts.size() == 4 && (parse_real(key, parts[1]) <= 0.0 || parse_real(key, parts[2]) <= 0.0))
      bad_values(key, "log:LO:HI:N needs LO > 0 and HI > 0");
    values = spaced(key, parts, [](double x) { return std::log10(x); }, [](double y) { return std::pow(10.0, y); });
  } else if (text.starts_with("lin:")) {
    values = spaced(key, split_colons(text), [](double x) { return x; }, [](double y) { return y; });
  } else if (text.starts_with("range:")) {
    values = integer_range(key, split_colons(text));
  } else {
    values = split_commas(text);
  }
  for (const std::string& v : values)
    if (v.empty()) bad_values(key, "empty value in '" + std::string(text) + "'");
  std::set<std::string> seen;
  for (const std::string& v : values)
    if (!seen.insert(v).second) bad_values(key, "value '" + v + "' is listed twice");
  return values;
}

void SweepAxes::check_new_key(const std::string& key) const {
  if (!is_identifier(key))
    throw InputError("sweep: key '" + key + "': must be a name of letters, digits and '_' (not starting with a digit)");
  if (reserved_axis_keys().count(key) || key.starts_with("command_"))
    throw InputError("sweep: key '" + key +
                     "': reserved (job, seed, replicate, replicate_seed, dir, status, exit, reason, command_*)");
  for (const auto* axes : {&grid_, &lists_})
    for (const SweepAxis& a : *axes)
      if (a.key == key) throw InputError("sweep: key '" + key + "': given twice");
}

void SweepAxes::add_grid(const std::string& key, std::string_view values) {
  check_new_key(key);
  grid_.push_back({key, parse_value_list(key, values)});
  (void)job_count();
}

void SweepAxes::add_list(const std::string& key, std::string_view values) {
  check_new_key(key);
  SweepAxis axis{key, parse_value_list(key, values)};
  if (!lists_.empty() && axis.values.size() != lists_.front().values.size())
    throw InputError("sweep: list '" + key + "' has " + std::to_string(axis.values.size()) + " values but list '" +
                     lists_.front().key + "' has " + std::to_string(lists_.front().values.size()) +
                     " (zipped lists need equal lengths)");
  lists_.push_back(std::move(axis));
  (void)job_count();
}

void SweepAxes::set_replicates(long count) {
  if (count < 1 || static_cast<std::size_t>(count) > kMaxJobs)
    throw InputError("sweep: --seeds: must be between 1 and " + std::to_string(kMaxJobs) + ", got " +
                     std::to_string(count));
  replicates_ = count;
  (void)job_count();
}

void SweepAxes::add_grid_assignment(std::string_view assignment) {
  const auto [key, values] = split_assignment(assignment, "--grid");
  add_grid(key, values);
}

void SweepAxes::add_list_assignment(std::string_view assignment) {
  const auto [key, values] = split_assignment(assignment, "--list");
  add_list(key, values);
}

std::vector<std::string> SweepAxes::keys() const {
  std::vector<std::string> keys;
  for (const auto* axes : {&grid_, &lists_})
    for (const SweepAxis& a : *axes) keys.push_back(a.key);
  if (replicates_ > 1) keys.push_back("replicate");
  return keys;
}

std::size_t SweepAxes::job_count() const {
  double count = static_cast<double>(replicates_);
  for (const SweepAxis& a : grid_) count *= static_cast<double>(a.values.size());
  if (!lists_.empty()) count *= static_cast<double>(lists_.front().values.size());
  if (count > static_cast<double>(kMaxJobs))
    throw InputError("sweep: " + format_number(count, 4) + " jobs, more than " + std::to_string(kMaxJobs));
  return static_cast<std::size_t>(count);
}

std::string Job::value(std::string_view key) const {
  if (key == "job") return std::to_string(index);
  if (key == "seed") return std::to_string(seed);
  if (key == "replicate") return std::to_string(replicate);
  if (key == "replicate_seed") return std::to_string(replicate_seed);
  for (const auto& [k, v] : values)
    if (k == key) return v;
  throw InputError("sweep: unknown placeholder '{" + std::string(key) + "}'");
}

JobTable::JobTable(const SweepAxes& axes, std::uint64_t sweep_seed) : keys_(axes.keys()), sweep_seed_(sweep_seed) {
  // Mixed-radix counting, the replicate digit fastest: radices = grid sizes, list length, R.
  std::vector<std::size_t> radix;
  for (const SweepAxis& a : axes.grid()) radix.push_back(a.values.size());
  if (!axes.lists().empty()) radix.push_back(axes.lists().front().values.size());
  radix.push_back(static_cast<std::size_t>(axes.replicates()));
  const std::size_t n = axes.job_count();
  jobs_.reserve(n);
  std::vector<std::size_t> digit(radix.size(), 0);
  for (std::size_t j = 0; j < n; ++j) {
    Job job;
    job.index = j;
    for (std::size_t a = 0; a < axes.grid().size(); ++a)
      job.values.emplace_back(axes.grid()[a].key, axes.grid()[a].values[digit[a]]);
    for (const SweepAxis& list : axes.lists())
      job.values.emplace_back(list.key, list.values[digit[axes.grid().size()]]);
    job.replicate = static_cast<long>(digit.back());
    job.seed = seed53(sweep_seed, j);
    job.replicate_seed = seed53(sweep_seed ^ kReplicateStream, static_cast<std::uint64_t>(job.replicate));
    jobs_.push_back(std::move(job));
    for (std::size_t d = digit.size(); d-- > 0;) {  // next index, last digit fastest
      if (++digit[d] < radix[d]) break;
      digit[d] = 0;
    }
  }
}

std::set<std::string> placeholders(std::string_view text, std::string_view what) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        ++i;
        continue;
      }
      throw InputError("sweep: " + std::string(what) + ": '}' without '{' in '" + std::string(text) + "' (write }} for a brace)");
    }
    if (text[i] != '{') continue;
    if (i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos)
      throw InputError("sweep: " + std::string(what) + ": '{' without '}' in '" + std::string(text) + "' (write {{ for a brace)");
    const std::string_view name = text.substr(i + 1, close - i - 1);
    if (!is_identifier(name))
      throw InputError("sweep: " + std::string(what) + ": '{" + std::string(name) + "}' is not a placeholder name");
    names.emplace(name);
    i = close;
  }
  return names;
}

std::string substitute(std::string_view text, const Job& job, const std::map<std::string, std::string>& extra) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool doubled = i + 1 < text.size() && text[i + 1] == text[i];
    if ((text[i] == '{' || text[i] == '}') && doubled) {
      out += text[i++];
    } else if (text[i] == '{') {
      const std::size_t close = text.find('}', i);
      const std::string name(text.substr(i + 1, close - i - 1));
      const auto e = extra.find(name);
      out += e != extra.end() ? e->second : job.value(name);
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

Shard parse_shard(std::string_view text) {
  const std::size_t slash = text.find('/');
  Shard s;
  const auto number = [&](std::string_view part, std::size_t& x) {
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), x);
    return ec == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  if (slash == std::string_view::npos || !number(text.substr(0, slash), s.index) ||
      !number(text.substr(slash + 1), s.count))
    throw InputError("--shard: expected i/N (e.g. 0/4), got '" + std::string(text) + "'");
  if (s.count == 0 || s.index >= s.count)
    throw InputError("--shard: '" + std::string(text) + "' needs 0 <= i < N (shards are numbered 0 to N-1)");
  return s;
}

}  // namespace optdyn::harness
