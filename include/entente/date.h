// Partial calendar dates and half-open validity intervals.
//
// A Date keeps its precision: 1961, 1961-07 and 1961-07-11 are three different dates.
// Where dates are compared for validity, a partial date stands for its first day
// (1961 -> 1961-01-01, 1961-07 -> 1961-07-01). An Interval [from, to) holds a date d
// when from <= d < to under that rule; a missing bound is unbounded.
//
//   auto d = entente::Date::parse("1961-07");
//   d.precision() == entente::Precision::kMonth;  d.str() == "1961-07"
//   entente::Interval{Date::parse("1961-09-10"), std::nullopt}.contains(Date::parse("2024"))
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

namespace entente {

enum class Precision : std::uint8_t { kYear, kMonth, kDay };

class Date {
 public:
  // REQUIRES: a valid date (1 <= year <= 9999; month 0 = unknown, else 1..12;
  // day 0 = unknown, else a day of that month; a day needs a month). Throws Error otherwise.
  explicit Date(int year, int month = 0, int day = 0);

  // Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD". Throws Error(kInvalid) naming the reason.
  static Date parse(std::string_view text);
  // As parse, but an invalid text gives std::nullopt.
  static std::optional<Date> try_parse(std::string_view text) noexcept;
  // From the packed form year*10000 + month*100 + day (the on-disk encoding).
  static Date from_ymd(std::uint32_t ymd);

  int year() const { return static_cast<int>(ymd_ / 10000); }
  int month() const { return static_cast<int>(ymd_ / 100 % 100); }  // 0: unknown
  int day() const { return static_cast<int>(ymd_ % 100); }          // 0: unknown
  Precision precision() const;

  std::uint32_t ymd() const { return ymd_; }
  // The first day this date stands for, packed: 19610000 -> 19610101.
  std::uint32_t first_day() const;
  // Days since 1970-01-01 of first_day() (negative before).
  std::int64_t days() const;
  // The day after first_day(), as a full date (used for inclusive ends).
  Date next_day() const;

  std::string str() const;  // "1961", "1961-07", "1961-07-11"

  // Exact equality: 1961 != 1961-01-01.
  bool operator==(const Date&) const = default;
  // Total order: by first day, then coarser precision first (1961 < 1961-01 < 1961-01-01).
  std::strong_ordering operator<=>(const Date& other) const;

 private:
  Date() = default;
  std::uint32_t ymd_ = 0;
};

// True when a stands for a day strictly before b's (comparison by first day).
inline bool before(const Date& a, const Date& b) { return a.first_day() < b.first_day(); }

struct Interval {
  std::optional<Date> from;  // inclusive; nullopt: since always
  std::optional<Date> to;    // exclusive; nullopt: open end

  // from <= d < to, each partial date standing for its first day.
  bool contains(const Date& d) const;
  // True when from is not before to (the interval holds no day).
  bool empty() const;
  // "[1961-09-10, 1996-09-10)", "[2024-12-04, open)"
  std::string str() const;
  bool operator==(const Interval&) const = default;
};

// The intervals united where they overlap or touch, in order (an empty one is dropped):
// [1918, 1939) and [1939, 1940) and [1945, open) give [1918, 1940) and [1945, open).
std::vector<Interval> unite(std::vector<Interval> intervals);
// The part of `a` that is also in `b`; nullopt when they share no day.
std::optional<Interval> intersect(const Interval& a, const Interval& b);

}  // namespace entente
