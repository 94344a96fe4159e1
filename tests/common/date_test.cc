#include <catch2/catch.hpp>

#include "entente/date.h"
#include "entente/error.h"

using entente::Date;
using entente::Interval;
using entente::Precision;

TEST_CASE("a partial date keeps its precision", "[date]") {
  CHECK(Date::parse("1961").precision() == Precision::kYear);
  CHECK(Date::parse("1961-07").precision() == Precision::kMonth);
  CHECK(Date::parse("1961-07-11").precision() == Precision::kDay);
  CHECK(Date::parse("1961").str() == "1961");
  CHECK(Date::parse("1961-07").str() == "1961-07");
  CHECK(Date::parse("1961-07-11").str() == "1961-07-11");
  CHECK(Date::parse("0801").str() == "0801");
}

TEST_CASE("a partial date stands for its first day", "[date]") {
  CHECK(Date::parse("1961").first_day() == 19610101u);
  CHECK(Date::parse("1961-07").first_day() == 19610701u);
  CHECK(Date::parse("1961-07-11").first_day() == 19610711u);
  CHECK_FALSE(entente::before(Date::parse("1961"), Date::parse("1961-01-01")));
  CHECK(entente::before(Date::parse("1961"), Date::parse("1961-01-02")));
}

TEST_CASE("dates order by first day, then coarser precision first", "[date]") {
  CHECK(Date::parse("1961") < Date::parse("1961-01"));
  CHECK(Date::parse("1961-01") < Date::parse("1961-01-01"));
  CHECK(Date::parse("1961-01-01") < Date::parse("1961-01-02"));
  CHECK(Date::parse("1961-12-31") < Date::parse("1962"));
  CHECK(Date::parse("1961-07") > Date::parse("1961-06-30"));
  CHECK(Date::parse("1961") != Date::parse("1961-01-01"));
  CHECK(Date::parse("1961-07") == Date::parse("1961-07"));
}

TEST_CASE("impossible dates are refused with the reason", "[date]") {
  CHECK_THROWS_WITH(Date::parse("0000-13-45"), Catch::Contains("year must be 1..9999"));
  CHECK_THROWS_WITH(Date::parse("1999-13"), Catch::Contains("month must be 01..12"));
  CHECK_THROWS_WITH(Date::parse("1999-00"), Catch::Contains("month must be 01..12"));
  CHECK_THROWS_WITH(Date::parse("1999-02-29"), Catch::Contains("no such day"));
  CHECK_THROWS_WITH(Date::parse("1999-04-31"), Catch::Contains("no such day"));
  CHECK_THROWS_WITH(Date::parse("99-01-01"), Catch::Contains("expected YYYY"));
  CHECK_THROWS_WITH(Date::parse("1999/01/01"), Catch::Contains("expected YYYY"));
  CHECK_THROWS_WITH(Date::parse(""), Catch::Contains("expected YYYY"));
  CHECK_THROWS_WITH(Date::parse("+999"), Catch::Contains("expected YYYY"));
  CHECK_THROWS_AS(Date::parse("2024-1-01"), entente::Error);
  CHECK(Date::parse("2000-02-29").day() == 29);  // a leap year
  CHECK_FALSE(Date::try_parse("1900-02-29"));  // not a leap year
  CHECK_THROWS(Date(2000, 0, 5));              // a day needs a month
}

TEST_CASE("the packed form round-trips", "[date]") {
  for (const char* s : {"1961", "1961-07", "1961-07-11", "9999-12-31", "0001"}) {
    auto d = Date::parse(s);
    CHECK(Date::from_ymd(d.ymd()) == d);
  }
  CHECK(Date::parse("1961-07").ymd() == 19610700u);
}

TEST_CASE("next_day crosses months and years", "[date]") {
  CHECK(Date::parse("2024-02-28").next_day().str() == "2024-02-29");
  CHECK(Date::parse("2023-02-28").next_day().str() == "2023-03-01");
  CHECK(Date::parse("2024-12-31").next_day().str() == "2025-01-01");
  CHECK(Date::parse("2024").next_day().str() == "2024-01-02");
  CHECK(Date::parse("1970-01-01").days() == 0);
  CHECK(Date::parse("2024-06-19").days() - Date::parse("2000-07-19").days() == 8736);
}

TEST_CASE("validity is half-open", "[date][interval]") {
  Interval iv{Date::parse("1961-09-10"), Date::parse("1996-09-10")};
  CHECK_FALSE(iv.contains(Date::parse("1961-09-09")));
  CHECK(iv.contains(Date::parse("1961-09-10")));
  CHECK(iv.contains(Date::parse("1996-09-09")));
  CHECK_FALSE(iv.contains(Date::parse("1996-09-10")));
  CHECK(iv.str() == "[1961-09-10, 1996-09-10)");
}

TEST_CASE("interval bounds may be partial or missing", "[date][interval]") {
  Interval from_year{Date::parse("2000"), std::nullopt};
  CHECK_FALSE(from_year.contains(Date::parse("1999-12-31")));
  CHECK(from_year.contains(Date::parse("2000-01-01")));
  CHECK(from_year.contains(Date::parse("2000")));
  CHECK(from_year.contains(Date::parse("9999")));
  Interval to_month{std::nullopt, Date::parse("2024-12")};
  CHECK(to_month.contains(Date::parse("0001")));
  CHECK(to_month.contains(Date::parse("2024-11-30")));
  CHECK_FALSE(to_month.contains(Date::parse("2024-12-01")));
  // A partial query date stands for its first day too.
  CHECK_FALSE(to_month.contains(Date::parse("2024-12")));
  CHECK(Interval{}.contains(Date::parse("1066")));
}

TEST_CASE("an interval whose end is not after its start is empty", "[date][interval]") {
  CHECK(Interval{Date::parse("2000"), Date::parse("1999")}.empty());
  CHECK(Interval{Date::parse("2000"), Date::parse("2000-01-01")}.empty());
  CHECK_FALSE(Interval{Date::parse("2000"), Date::parse("2000-01-02")}.empty());
  CHECK_FALSE(Interval{std::nullopt, Date::parse("2000")}.empty());
}
