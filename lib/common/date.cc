#include "entente/date.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "common/error.h"

namespace entente {
namespace {

// The calendar is C++20's (<chrono>: proleptic Gregorian).
std::chrono::year_month_day civil(int y, int m, int d) {
  return std::chrono::year{y} / std::chrono::month{static_cast<unsigned>(m)} / std::chrono::day{static_cast<unsigned>(d)};
}

// Why (y, m, d) is not a date, or nullptr when it is one.
const char* check(int y, int m, int d) {
  if (y < 1 || y > 9999) return "year must be 1..9999";
  if (m < 0 || m > 12) return "month must be 01..12";
  if (d != 0 && m == 0) return "a day needs a month";
  if (d < 0 || (d > 0 && !civil(y, m, d).ok())) return "no such day in that month";
  return nullptr;
}

bool parse_number(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Parses text into (y, m, d); returns the reason it is not a date, or nullptr.
const char* parse_parts(std::string_view text, int& y, int& m, int& d) {
  y = m = d = 0;
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) {
    return "expected YYYY, YYYY-MM or YYYY-MM-DD";
  }
  if (!parse_number(text.substr(0, 4), y)) return "expected YYYY, YYYY-MM or YYYY-MM-DD";
  if (text.size() >= 7 && (text[4] != '-' || !parse_number(text.substr(5, 2), m) || m == 0)) {
    return text[4] != '-' ? "expected YYYY, YYYY-MM or YYYY-MM-DD" : "month must be 01..12";
  }
  if (text.size() == 10 && (text[7] != '-' || !parse_number(text.substr(8, 2), d) || d == 0)) {
    return text[7] != '-' ? "expected YYYY, YYYY-MM or YYYY-MM-DD" : "no such day in that month";
  }
  return check(y, m, d);
}

}  // namespace

Date::Date(int year, int month, int day) {
  if (const char* why = check(year, month, day)) {
    throw invalid("invalid date {:04}-{:02}-{:02}: {}", year, month, day, why);
  }
  ymd_ = static_cast<std::uint32_t>(year * 10000 + month * 100 + day);
}

Date Date::parse(std::string_view text) {
  int y, m, d;
  if (const char* why = parse_parts(text, y, m, d)) {
    throw invalid("invalid date '{}': {}", text, why);
  }
  return Date(y, m, d);
}

std::optional<Date> Date::try_parse(std::string_view text) noexcept {
  int y, m, d;
  if (parse_parts(text, y, m, d) != nullptr) return std::nullopt;
  Date out;
  out.ymd_ = static_cast<std::uint32_t>(y * 10000 + m * 100 + d);
  return out;
}

Date Date::from_ymd(std::uint32_t ymd) {
  return Date(static_cast<int>(ymd / 10000), static_cast<int>(ymd / 100 % 100),
              static_cast<int>(ymd % 100));
}

Precision Date::precision() const {
  return month() == 0 ? Precision::kYear : day() == 0 ? Precision::kMonth : Precision::kDay;
}

std::uint32_t Date::first_day() const {
  std::uint32_t out = ymd_;
  if (month() == 0) out += 100;
  if (day() == 0) out += 1;
  return out;
}

std::int64_t Date::days() const {
  const std::uint32_t f = first_day();
  const std::chrono::sys_days day{civil(static_cast<int>(f / 10000), static_cast<int>(f / 100 % 100),
                                        static_cast<int>(f % 100))};
  return day.time_since_epoch().count();
}

Date Date::next_day() const {
  const std::uint32_t f = first_day();
  const std::chrono::sys_days day{civil(static_cast<int>(f / 10000), static_cast<int>(f / 100 % 100),
                                        static_cast<int>(f % 100))};
  const std::chrono::year_month_day next{day + std::chrono::days{1}};
  return Date(static_cast<int>(next.year()), static_cast<int>(static_cast<unsigned>(next.month())),
              static_cast<int>(static_cast<unsigned>(next.day())));
}

std::string Date::str() const {
  switch (precision()) {
    case Precision::kYear: return fmt::format("{:04}", year());
    case Precision::kMonth: return fmt::format("{:04}-{:02}", year(), month());
    case Precision::kDay: break;
  }
  return fmt::format("{:04}-{:02}-{:02}", year(), month(), day());
}

std::strong_ordering Date::operator<=>(const Date& other) const {
  if (auto c = first_day() <=> other.first_day(); c != 0) return c;
  return precision() <=> other.precision();
}

bool Interval::contains(const Date& d) const {
  if (from && d.first_day() < from->first_day()) return false;
  if (to && d.first_day() >= to->first_day()) return false;
  return true;
}

bool Interval::empty() const { return from && to && from->first_day() >= to->first_day(); }

std::string Interval::str() const {
  return fmt::format("[{}, {})", from ? from->str() : "always", to ? to->str() : "open");
}

namespace {

// By first day; an open side is unbounded.
bool starts_before(const std::optional<Date>& a, const std::optional<Date>& b) {
  if (!a) return b.has_value();
  return b && before(*a, *b);
}
bool ends_before(const std::optional<Date>& a, const std::optional<Date>& b) {
  if (!a) return false;
  return !b || before(*a, *b);
}

}  // namespace

std::vector<Interval> unite(std::vector<Interval> intervals) {
  std::erase_if(intervals, [](const Interval& iv) { return iv.empty(); });
  std::stable_sort(intervals.begin(), intervals.end(),
                   [](const Interval& a, const Interval& b) { return starts_before(a.from, b.from); });
  std::vector<Interval> out;
  for (auto& iv : intervals) {
    // Overlapping or touching the last one: one interval.
    if (!out.empty() && !ends_before(out.back().to, iv.from)) {
      if (ends_before(out.back().to, iv.to)) out.back().to = iv.to;
      continue;
    }
    out.push_back(std::move(iv));
  }
  return out;
}

std::optional<Interval> intersect(const Interval& a, const Interval& b) {
  Interval out{starts_before(a.from, b.from) ? b.from : a.from, ends_before(a.to, b.to) ? a.to : b.to};
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace entente
