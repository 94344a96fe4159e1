#include <catch2/catch.hpp>

#include "common/text.h"

using namespace entente;

TEST_CASE("fold ignores case, Latin accents' case and extra spaces", "[text]") {
  CHECK(text::fold("North Korea") == "north korea");
  CHECK(text::fold("  NORTH   korea ") == "north korea");
  CHECK(text::fold("ÉTAT") == "état");
  CHECK(text::fold("Łódź") == "łódź");
  CHECK(text::fold("Nguyễn Phú Trọng") == text::fold("nguyễn phú trọng"));
}

TEST_CASE("property names convert between snake_case and camelCase", "[text]") {
  CHECK(text::snake_to_camel("termination_notice_months") == "terminationNoticeMonths");
  CHECK(text::camel_to_snake("terminationNoticeMonths") == "termination_notice_months");
  CHECK(text::camel_to_snake("iso3") == "iso3");
  CHECK(text::snake_to_camel("iso3") == "iso3");
}

TEST_CASE("UTF-8 validation rejects malformed sequences", "[text]") {
  CHECK(text::valid_utf8("Pyongyang – Hanoi"));
  CHECK_FALSE(text::valid_utf8("\xff"));
  CHECK_FALSE(text::valid_utf8("\xc3"));
  CHECK_FALSE(text::valid_utf8("\xc0\xaf"));      // overlong
  CHECK_FALSE(text::valid_utf8("\xed\xa0\x80"));  // surrogate
  CHECK(text::has_control(std::string("a\0b", 3)));
  CHECK(text::has_control("a\nb"));
  CHECK_FALSE(text::has_control("a b"));
}

TEST_CASE("suggestions find likely typos only", "[text]") {
  std::vector<std::string> keys{"PRK", "CHN", "RUS"};
  CHECK(text::nearest("PKR", keys) == "PRK");  // a transposition is one edit
  CHECK(text::nearest("prk", keys) == "PRK");
  CHECK_FALSE(text::nearest("XYZ", keys));
  CHECK(text::did_you_mean("Stat", {"State", "Treaty"}) == " (did you mean 'State'?)");
  CHECK(text::did_you_mean("Planet", {"State", "Treaty"}).empty());
  CHECK(text::nearest("PARTY", {"PARTY_TO"}) == "PARTY_TO");
}

TEST_CASE("a long string gets no suggestion, whatever the candidates", "[text]") {
  std::string long_key(text::kMaxSuggestible + 1, 'd');
  CHECK_FALSE(text::nearest(long_key, {long_key + "x"}));  // one edit away, but not typed by hand
  std::string at_limit(text::kMaxSuggestible, 'd');
  CHECK(text::nearest(at_limit, {at_limit + "x"}) == at_limit + "x");
}

TEST_CASE("UTF-8 lengths, character starts and boundaries count code points", "[text]") {
  const std::string s = "Việt Nam";  // 'ệ' is three bytes
  CHECK(s.size() == 10);
  CHECK(text::utf8_length(s) == 8);
  CHECK(text::utf8_length("") == 0);
  CHECK(text::utf8_starts(s) == std::vector<std::size_t>{0, 1, 2, 5, 6, 7, 8, 9});
  CHECK(text::utf8_floor(s, 3) == 2);  // inside 'ệ': back to its first byte
  CHECK(text::utf8_floor(s, 4) == 2);
  CHECK(text::utf8_floor(s, 5) == 5);
  CHECK(text::utf8_floor(s, 0) == 0);
  CHECK(text::utf8_floor(s, 99) == s.size());
  CHECK(text::utf8_continuation(s[3]));
  CHECK_FALSE(text::utf8_continuation(s[2]));
}
