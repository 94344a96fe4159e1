// Internal helpers to raise entente::Error with fmt-formatted messages.
#pragma once

#include <fmt/format.h>

#include "entente/error.h"

namespace entente {

template <typename... Args>
Error invalid(fmt::format_string<Args...> f, Args&&... args) {
  return Error(ErrorKind::kInvalid, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Error not_found(fmt::format_string<Args...> f, Args&&... args) {
  return Error(ErrorKind::kNotFound, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Error corruption(fmt::format_string<Args...> f, Args&&... args) {
  return Error(ErrorKind::kCorruption, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Error io_error(fmt::format_string<Args...> f, Args&&... args) {
  return Error(ErrorKind::kIO, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Error conflict(fmt::format_string<Args...> f, Args&&... args) {
  return Error(ErrorKind::kConflict, fmt::format(f, std::forward<Args>(args)...));
}

// Prefixes an error's message with a context ("line 12: "), keeping its kind.
inline Error with_context(const Error& e, std::string_view context) {
  return Error(e.kind(), fmt::format("{}: {}", context, e.what()));
}

}  // namespace entente
