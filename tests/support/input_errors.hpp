#pragma once
// Checks of the bad-input contract (doc/design.md, "Bad input and exit codes"): an optdyn::InputError whose message is one
// line and names the offending key. Include after <boost/test/unit_test.hpp>.
#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"

namespace optdyn::testing {

// Runs f, requires an InputError whose one-line message contains every part.
inline void expect_input_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
  } catch (const InputError& e) {
    const std::string message = e.what();
    BOOST_TEST_MESSAGE("InputError: " << message);
    BOOST_CHECK_MESSAGE(message.find('\n') == std::string::npos, "message is not one line: " << message);
    for (const auto& part : parts)
      BOOST_CHECK_MESSAGE(message.find(part) != std::string::npos, "'" << message << "' lacks '" << part << "'");
    return;
  }
  BOOST_ERROR("expected an InputError containing '" << (parts.empty() ? "" : parts[0]) << "'");
}

}  // namespace optdyn::testing
