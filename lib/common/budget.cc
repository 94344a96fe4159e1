#include "common/budget.h"

#include <fmt/format.h>

#include "common/text.h"
#include "entente/error.h"

namespace entente {

Budget::Budget(const Limits& limits, std::string subject, std::string hint, std::string memory_hint)
    : limits_(limits), subject_(std::move(subject)), hint_(std::move(hint)), memory_hint_(std::move(memory_hint)) {
  if (memory_hint_.empty()) memory_hint_ = hint_;
  if (limits_.timeout.count() > 0) {
    has_deadline_ = true;
    deadline_ = std::chrono::steady_clock::now() + limits_.timeout;
  }
}

void Budget::check_time() const {
  if (!has_deadline_ || std::chrono::steady_clock::now() < deadline_) return;
  const auto ms = limits_.timeout.count();
  throw Error(ErrorKind::kLimit, fmt::format("{} stopped: time limit of {} reached ({}, or raise it with --timeout)",
                                             subject_,
                                             ms % 1000 == 0 ? fmt::format("{} s", ms / 1000) : fmt::format("{} ms", ms),
                                             hint_));
}

void Budget::memory_reached(const char* what) const {
  throw Error(ErrorKind::kLimit,
              fmt::format("{} stopped: memory limit of {} reached by {} ({}, or raise it with --memory-limit)", subject_,
                          text::human_size(limits_.memory_limit), what, memory_hint_));
}

}  // namespace entente
