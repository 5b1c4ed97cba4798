#pragma once
// SHA-256 as specified in FIPS 180-4, "Secure Hash Standard", NIST, August 2015, §6.2
// (constants §4.2.2, initial hash value §5.3.3, padding §5.1.1). Written here so the
// harness needs no crypto library; checked against the NIST example vectors in
// tests/harness_test.cpp. Used for the manifest's file checksums, not for security.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace optdyn::harness {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  // Pads and returns the 32-byte digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> digest();
  // The digest as 64 lower-case hex characters (the form `sha256sum` prints).
  std::string hex_digest();

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_bytes_ = 0;
  bool finished_ = false;
};

std::string sha256_hex(std::string_view data);
// Streams the file; throws InputError if it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace optdyn::harness
