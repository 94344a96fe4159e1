// The running side of entente::Limits: one question's deadline and the bytes it holds.
// A loop calls tick() once per step (a relationship looked at, a row passed on), which
// looks at the clock on the first step and every 1,024th after; a structure that grows
// calls charge() with what it adds. Past a bound, both throw Error(kLimit) naming it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "entente/limits.h"

namespace entente {

class Budget {
 public:
  // `subject` names the question in the messages ("query", "neighborhood"); the hints say
  // what to do, before ", or raise it with --timeout" ("narrow the query"), and before ", or
  // raise it with --memory-limit" (the time hint when empty).
  explicit Budget(const Limits& limits = {}, std::string subject = "query", std::string hint = "narrow it",
                  std::string memory_hint = {});

  const Limits& limits() const { return limits_; }

  void tick() {
    if ((ticks_++ & 1023) == 0) check_time();
  }
  // Throws when the deadline has passed.
  void check_time() const;
  // Makes the deadline now, as if the time had run out (for tests).
  void expire() { deadline_ = std::chrono::steady_clock::now() - std::chrono::milliseconds(1); has_deadline_ = true; }

  // Whether bytes are counted: only under a memory limit, so that callers make no estimate
  // without one.
  bool counts_memory() const { return limits_.memory_limit > 0; }
  // Adds (takes back) an estimate of bytes held; throws past the memory limit, saying what
  // holds them ("the nodes reached").
  void charge(std::uint64_t bytes, const char* what) {
    held_ += bytes;
    if (limits_.memory_limit > 0 && held_ > limits_.memory_limit) memory_reached(what);
  }
  void release(std::uint64_t bytes) { held_ -= bytes < held_ ? bytes : held_; }
  std::uint64_t held() const { return held_; }

  // Throws the memory limit's error, saying what passed it.
  [[noreturn]] void memory_reached(const char* what) const;

 private:
  Limits limits_;
  std::string subject_;
  std::string hint_;
  std::string memory_hint_;
  bool has_deadline_ = false;
  std::chrono::steady_clock::time_point deadline_{};
  std::uint64_t ticks_ = 0;
  std::uint64_t held_ = 0;
};

}  // namespace entente
