#pragma once
// Command-line helpers shared by the experiment harness and the `optdyn` tool: strict
// Boost.Program_options parsing (no abbreviations) whose errors become one-line
// InputErrors naming the option, and the one-line error convention (doc/design.md, "Bad input and exit codes":
// InputError → "error: ..." on stderr, exit 2; anything else → exit 1).
#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace optdyn::harness {

namespace po = boost::program_options;

// Parses `args` (without the program/subcommand name). Unknown options, missing values,
// repeated single-valued options and invalid values throw InputError("<context>: ...").
// Positional arguments are rejected unless `positional` is given. Does not call notify().
po::variables_map parse_options(const std::vector<std::string>& args, const po::options_description& options,
                                std::string_view context,
                                const po::positional_options_description* positional = nullptr);

// Calls po::notify (required options), translating its errors like parse_options.
void notify_options(po::variables_map& vm, std::string_view context);

// A non-negative integer (e.g. a seed); InputError naming `what` otherwise.
std::uint64_t parse_uint64(std::string_view text, std::string_view what);

// Prints "error: <message>" as exactly one line on stderr (line breaks are folded).
void print_error(std::string_view message);

// The one line for std::bad_alloc, which front ends treat as bad input (exit 2): every
// size a user controls is budgeted before allocation, this catches what slips through.
inline constexpr const char* kOutOfMemoryMessage = "out of memory (input too large?)";

// Flushes std::cout and stdout; false (after print_error naming standard output) when a
// write failed — e.g. a full disk or /dev/full — so that lost output is never exit 0.
bool flush_stdout();

// Runs `body`; InputError → print_error, kExitBadInput; std::bad_alloc → print_error(
// kOutOfMemoryMessage), kExitBadInput; RankStopped (another rank of a data-parallel job
// ended it: harness/data_parallel.hpp) → kStoppedByRank, printing nothing; other exceptions →
// print_error, exit 1; otherwise returns body's status, or kExitBadInput when flush_stdout()
// fails.
int run_guarded(const std::function<int()>& body);

}  // namespace optdyn::harness
