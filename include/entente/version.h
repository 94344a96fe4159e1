// The library's version.
#pragma once

#define ENTENTE_VERSION_MAJOR 0
#define ENTENTE_VERSION_MINOR 1
#define ENTENTE_VERSION_PATCH 0

namespace entente {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace entente
