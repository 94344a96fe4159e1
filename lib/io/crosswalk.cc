#include "io/crosswalk.h"

#include <algorithm>
#include <sstream>

#include "catalog/embedded.h"
#include "common/error.h"
#include "common/text.h"
#include "io/table.h"

namespace entente::io {

bool Country::holds_on(const Date& d) const {
  if (from && before(d, *from)) return false;
  if (to && !before(d, *to)) return false;
  return true;
}

std::string name_key(std::string_view name) {
  std::string s;
  s.reserve(name.size());
  for (char c : name) s.push_back(c == '-' || c == '_' ? ' ' : c);
  std::string f = text::fold(s);
  std::string out;
  bool space = false;
  for (char c : f) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Crosswalk Crosswalk::parse(std::string_view csv, std::string_view source) {
  Crosswalk cw;
  std::istringstream in{std::string(csv)};
  TableReader reader(in, std::string(source));
  TableRow row;
  if (!reader.next(row)) throw invalid("{}: empty crosswalk", source);
  TableHeader header(row, std::string(source));
  const auto c_key = header.require("key"), c_name = header.require("name"), c_iso = header.require("iso3"),
             c_cow = header.require("cow_code"), c_abbrev = header.require("cow_abbrev"),
             c_gw = header.require("gw_code"), c_cameo = header.require("cameo"), c_from = header.require("from"),
             c_to = header.require("to"), c_aliases = header.require("aliases");
  while (reader.next(row)) {
    try {
      if (row.fields.size() != header.size()) {
        throw invalid("{} fields where the header has {}", row.fields.size(), header.size());
      }
      auto f = [&](std::size_t i) { return std::string(trim(row.fields[i])); };
      Country c;
      c.line = row.line;
      c.key = f(c_key);
      if (c.key.empty()) throw invalid("column 'key' is blank");
      c.name = f(c_name);
      c.iso3 = upper(f(c_iso));
      {
        // "255;260": the state's own code, then codes it continues (crosswalk.h).
        auto codes = split_list(row.fields[c_cow]);
        if (auto own = int_field(codes[0], "cow_code")) c.cow = static_cast<std::int32_t>(*own);
        for (std::size_t i = 1; i < codes.size(); ++i) {
          auto code = int_field(codes[i], "cow_code");
          if (!code) throw invalid("column 'cow_code': a blank code after ';'");
          if (!c.cow) throw invalid("column 'cow_code': a continued code needs the state's own code first");
          c.cow_continued.push_back(static_cast<std::int32_t>(*code));
        }
      }
      c.cow_abbrev = upper(f(c_abbrev));
      if (auto v = int_field(row.fields[c_gw], "gw_code")) c.gw = static_cast<std::int32_t>(*v);
      c.cameo = upper(f(c_cameo));
      if (auto v = f(c_from); !v.empty()) c.from = Date::parse(v);
      if (auto v = f(c_to); !v.empty()) c.to = Date::parse(v);
      for (auto a : split_list(row.fields[c_aliases])) {
        if (!a.empty()) c.aliases.emplace_back(a);
      }
      cw.rows_.push_back(std::move(c));
    } catch (const Error& e) {
      throw Error(e.kind(), fmt::format("{}:{}: {}", source, row.line, e.what()));
    }
  }
  for (std::size_t i = 0; i < cw.rows_.size(); ++i) {
    const auto& c = cw.rows_[i];
    if (c.cow) cw.cow_[std::to_string(*c.cow)].push_back(i);
    for (auto code : c.cow_continued) cw.cow_[std::to_string(code)].push_back(i);
    if (!c.cow_abbrev.empty()) cw.abbrev_[c.cow_abbrev].push_back(i);
    if (!c.iso3.empty()) cw.iso3_[c.iso3].push_back(i);
    if (!c.cameo.empty()) cw.cameo_[c.cameo].push_back(i);
    if (c.gw) cw.gw_[std::to_string(*c.gw)].push_back(i);
    cw.key_[c.key].push_back(i);
    auto add_name = [&](const std::string& n) {
      auto& v = cw.name_[name_key(n)];
      if (std::find(v.begin(), v.end(), i) == v.end()) v.push_back(i);
    };
    if (!c.name.empty()) add_name(c.name);
    for (const auto& a : c.aliases) add_name(a);
    add_name(c.key);
  }
  return cw;
}

const Crosswalk& Crosswalk::builtin() {
  static const Crosswalk cw = [] {
    for (const auto& f : detail::embedded_data_files()) {
      if (f.path == "countries.csv") return parse(f.text, "data/countries.csv");
    }
    throw corruption("the country crosswalk (data/countries.csv) is not compiled into the library");
  }();
  return cw;
}

const Country* Crosswalk::pick(const Index& index, const std::string& key, const std::optional<Date>& on) const {
  auto it = index.find(key);
  if (it == index.end()) return nullptr;
  const Country* best = nullptr;
  for (auto i : it->second) {
    const auto& c = rows_[i];
    if (on) {
      if (c.holds_on(*on)) return &c;
      continue;
    }
    if (!c.from && !c.to) return &c;
    // Without a date: the latest window.
    if (!best || (c.from && (!best->from || before(*best->from, *c.from)))) best = &c;
  }
  return best;
}

const Country* Crosswalk::by_cow(std::int64_t code, std::optional<Date> on) const {
  return pick(cow_, std::to_string(code), on);
}
const Country* Crosswalk::by_cow_abbrev(std::string_view abbrev, std::optional<Date> on) const {
  return pick(abbrev_, upper(trim(abbrev)), on);
}
const Country* Crosswalk::by_iso3(std::string_view iso3, std::optional<Date> on) const {
  return pick(iso3_, upper(trim(iso3)), on);
}
const Country* Crosswalk::by_cameo(std::string_view cameo, std::optional<Date> on) const {
  return pick(cameo_, upper(trim(cameo)), on);
}
const Country* Crosswalk::by_gw(std::int64_t code, std::optional<Date> on) const {
  return pick(gw_, std::to_string(code), on);
}
const Country* Crosswalk::by_name(std::string_view name, std::optional<Date> on) const {
  return pick(name_, name_key(name), on);
}
const Country* Crosswalk::by_key(std::string_view key) const {
  auto it = key_.find(std::string(key));
  if (it == key_.end()) return nullptr;
  // The current row (no end to its window), else the latest.
  for (auto i : it->second) {
    if (!rows_[i].to) return &rows_[i];
  }
  return &rows_[it->second.back()];
}

std::vector<Crosswalk::Piece> Crosswalk::split_cow(std::int64_t code, const Date& from,
                                                   const std::optional<Date>& to) const {
  return split(cow_, code, from, to);
}

std::vector<Crosswalk::Piece> Crosswalk::split_gw(std::int64_t code, const Date& from,
                                                  const std::optional<Date>& to) const {
  return split(gw_, code, from, to);
}

std::vector<Crosswalk::Piece> Crosswalk::split(const Index& index, std::int64_t code, const Date& from,
                                               const std::optional<Date>& to) const {
  std::vector<Piece> pieces;
  auto it = index.find(std::to_string(code));
  if (it == index.end()) return pieces;
  for (auto i : it->second) {
    const auto& c = rows_[i];
    // The intersection of [from, to) with the row's window [c.from, c.to).
    Date lo = (c.from && before(from, *c.from)) ? *c.from : from;
    std::optional<Date> hi = to;
    if (c.to && (!hi || before(*c.to, *hi))) hi = c.to;
    if (hi && !before(lo, *hi)) continue;
    pieces.push_back({&c, lo, hi});
  }
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) { return before(a.from, b.from); });
  return pieces;
}

}  // namespace entente::io
