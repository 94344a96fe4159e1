// Fuzzes dates (docs/interchange.md, "Dates"): Date::parse and Date::try_parse on
// arbitrary text. Invariants: neither crashes; parse throws only entente::Error, and
// exactly when try_parse gives nothing; a valid date prints back as the text it was
// parsed from, and its packed form, first day, day count and next day are consistent.
#include <cstdint>
#include <string>
#include <string_view>

#include "entente/date.h"
#include "entente/error.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using entente::Date;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto maybe = Date::try_parse(text);
  std::optional<Date> parsed;
  try {
    parsed = Date::parse(text);
  } catch (const entente::Error& e) {
    FUZZ_CHECK(e.kind() == entente::ErrorKind::kInvalid);
  }
  FUZZ_CHECK(maybe.has_value() == parsed.has_value());
  if (!parsed) return 0;
  const Date& d = *parsed;
  FUZZ_CHECK(*maybe == d);
  FUZZ_CHECK(d.str() == text);  // exact digits: "YYYY", "YYYY-MM" or "YYYY-MM-DD"
  FUZZ_CHECK(Date::parse(d.str()) == d);
  FUZZ_CHECK(Date::from_ymd(d.ymd()) == d);
  FUZZ_CHECK(d.year() >= 1 && d.year() <= 9999 && d.month() >= 0 && d.month() <= 12);
  // The first day is a full date, not after d's own first day.
  Date first = Date::from_ymd(d.first_day());
  FUZZ_CHECK(first.precision() == entente::Precision::kDay);
  FUZZ_CHECK(first.first_day() == d.first_day() && !(first < d));
  FUZZ_CHECK(first.days() == d.days());
  if (d.first_day() != 99991231) {
    Date next = d.next_day();
    FUZZ_CHECK(next.days() == d.days() + 1);
    FUZZ_CHECK(entente::before(d, next));
    entente::Interval one_day{d, next};
    FUZZ_CHECK(one_day.contains(d) && !one_day.contains(next) && !one_day.empty());
  }
  return 0;
}
