#include "harness/command_line.hpp"
#include "harness/signal_block.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <exception>
#include <new>
#include <string>

#include "harness/mpi_block_backend.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::harness {

namespace {
// Program_options' default style, minus guessing of abbreviated long names: `--obj` must
// not silently mean `--objective`.
constexpr int kStyle = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

[[noreturn]] void rethrow_as_input_error(std::string_view context, const std::exception& e) {
  throw InputError(std::string(context) + ": " + e.what());
}


void parse_into(po::variables_map& vm, const std::vector<std::string>& args, const po::options_description& options,
                const po::positional_options_description* positional) {
  po::command_line_parser parser(args);
  parser.options(options).style(kStyle);
  po::positional_options_description none;
  parser.positional(positional ? *positional : none);
  po::store(parser.run(), vm);
}

// Program_options builds an error's text by replacing %value%, %option%, ... with the user's
// tokens until none is left, so a token that contains its own placeholder ("--steps
// %value%") never ends (Boost 1.74, error_with_option_name::replace_token; found by
// tests/fuzz/command_line_fuzz.cpp). Such tokens are shown with U+FF05 (％) in the message.
std::vector<std::string> without_percent_signs(std::vector<std::string> args) {
  for (std::string& a : args)
    for (std::size_t pos = 0; (pos = a.find('%', pos)) != std::string::npos; pos += 3) a.replace(pos, 1, "\xEF\xBC\x85");
  return args;
}
}  // namespace

po::variables_map parse_options(const std::vector<std::string>& args, const po::options_description& options,
                                std::string_view context, const po::positional_options_description* positional) {
  po::variables_map vm;
  try {
    parse_into(vm, args, options, positional);
  } catch (const po::error& e) {
    bool has_percent = false;
    for (const std::string& a : args) has_percent = has_percent || a.find('%') != std::string::npos;
    if (!has_percent) rethrow_as_input_error(context, e);
    po::variables_map scratch;
    try {
      parse_into(scratch, without_percent_signs(args), options, positional);
    } catch (const po::error& safe) {
      rethrow_as_input_error(context, safe);
    }
    throw InputError(std::string(context) + ": invalid command line");
  }
  return vm;
}

void notify_options(po::variables_map& vm, std::string_view context) {
  try {
    po::notify(vm);
  } catch (const po::error& e) {
    rethrow_as_input_error(context, e);
  }
}

std::uint64_t parse_uint64(std::string_view text, std::string_view what) {
  const std::string s(text);
  std::uint64_t value = 0;
  bool ok = !s.empty() && s.size() <= 20;
  for (char c : s) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      ok = false;
      break;
    }
    value = value * 10 + digit;
  }
  if (!ok) throw InputError(std::string(what) + ": '" + s + "' is not a non-negative 64-bit integer");
  return value;
}

void print_error(std::string_view message) {
  std::string line = "error: ";
  for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

bool flush_stdout() {
  std::cout.flush();
  errno = 0;
  const bool ok = std::fflush(stdout) == 0 && !std::ferror(stdout) && !std::cout.fail();
  if (!ok)
    print_error(std::string("cannot write '- (standard output)': ") + (errno ? std::strerror(errno) : "write failed"));
  return ok;
}

int run_guarded(const std::function<int()>& body) {
  prepare_process();
  try {
    const int status = body();
    return flush_stdout() ? status : kExitBadInput;
  } catch (const RankStopped&) {  // another rank ended the job and reports why (data_parallel.hpp)
    return kStoppedByRank;
  } catch (const InputError& e) {
    print_error(e.what());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    print_error(kOutOfMemoryMessage);
    return kExitBadInput;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 1;
  }
}

}  // namespace optdyn::harness
