// The country crosswalk (data/countries.csv, data/countries.md): one row per identity of a
// state under the code lists of the field (ISO 3166 alpha-3, COW code and abbreviation,
// Gleditsch-Ward, CAMEO) and its names, each mapped to one entente State key. Every importer
// resolves states through it, so that COW's UKG, ISO's GBR and ICEWS's "United Kingdom" are
// one node.
//
// A row may hold only within a window of dates [from, to): COW code 365 is Russia before
// 1922-12-30 and from 1991-12-26 and the USSR (SUN) between, so a spell under code 365 is
// split at those dates into spells of two states (see split()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "entente/date.h"

namespace entente::io {

struct Country {
  std::string key;   // the State node's key
  std::string name;
  std::string iso3;
  std::optional<std::int32_t> cow;
  // COW codes of a predecessor that data carry on past a succession, resolving to this row
  // in its window (unified Germany for 260, Yemen for 678): "255;260" in cow_code.
  std::vector<std::int32_t> cow_continued;
  std::string cow_abbrev;
  std::optional<std::int32_t> gw;
  std::string cameo;
  std::optional<Date> from;  // the row holds from this date (inclusive) ...
  std::optional<Date> to;    // ... to this one (exclusive); absent: without bound
  std::vector<std::string> aliases;
  std::uint64_t line = 0;    // in the crosswalk file

  bool holds_on(const Date& d) const;
};

class Crosswalk {
 public:
  // The crosswalk compiled into the library (data/countries.csv).
  static const Crosswalk& builtin();
  // Parses crosswalk CSV text. Throws Error(kInvalid) "<source>:<line>: ..." on a bad row.
  static Crosswalk parse(std::string_view csv, std::string_view source);

  // Lookups. With a date, a windowed row applies only within its window; without one, the
  // row without window or else the latest one. nullptr when nothing matches.
  const Country* by_cow(std::int64_t code, std::optional<Date> on = {}) const;
  const Country* by_cow_abbrev(std::string_view abbrev, std::optional<Date> on = {}) const;
  const Country* by_iso3(std::string_view iso3, std::optional<Date> on = {}) const;
  const Country* by_cameo(std::string_view cameo, std::optional<Date> on = {}) const;
  const Country* by_gw(std::int64_t code, std::optional<Date> on = {}) const;
  // By name or alias, ignoring case, surrounding spaces and hyphens-for-spaces
  // ("united-kingdom" matches "United Kingdom").
  const Country* by_name(std::string_view name, std::optional<Date> on = {}) const;
  // The current row for a key (whose window has no end), else its latest; or nullptr.
  const Country* by_key(std::string_view key) const;

  // The pieces of spell [from, to) under a COW code, each with the row that holds there,
  // in date order. Parts of the spell that no row covers are left out.
  struct Piece {
    const Country* country;
    Date from;
    std::optional<Date> to;
  };
  std::vector<Piece> split_cow(std::int64_t code, const Date& from, const std::optional<Date>& to) const;
  // The same under a Gleditsch-Ward code (Archigos's ccode is one: 260 is Germany from 1990).
  std::vector<Piece> split_gw(std::int64_t code, const Date& from, const std::optional<Date>& to) const;

  const std::vector<Country>& countries() const { return rows_; }

 private:
  using Index = std::unordered_map<std::string, std::vector<std::size_t>>;
  const Country* pick(const Index& index, const std::string& key, const std::optional<Date>& on) const;
  std::vector<Piece> split(const Index& index, std::int64_t code, const Date& from, const std::optional<Date>& to) const;

  std::vector<Country> rows_;
  Index cow_, abbrev_, iso3_, cameo_, gw_, name_, key_;
};

// How names are compared: folded case, '-' and '_' as spaces, runs of spaces as one.
std::string name_key(std::string_view name);

}  // namespace entente::io
