#pragma once
// Errors a user can cause (bad spec, unknown key, malformed or missing file). Front ends
// catch InputError, print its one-line message and exit with status 2 (doc/design.md, "Bad input and exit codes").
#include <stdexcept>
#include <string>

namespace optdyn {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

// Exit codes of every optdyn front end (doc/design.md, "Bad input and exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitDiverged = 3;

}  // namespace optdyn
