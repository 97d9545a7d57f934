// SHA-256 (FIPS 180-4), for cache keys that a hostile profile must not be able to collide.
#pragma once

#include <string>
#include <string_view>

namespace rampart::container {

// Lower-case hex digest of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace rampart::container
