#include "io/names.h"

#include <algorithm>
#include <optional>
#include <sstream>

#include "catalog/embedded.h"
#include "common/error.h"
#include "common/text.h"
#include "io/crosswalk.h"
#include "io/table.h"

namespace entente::io {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// ---------------------------------------------------------------- persons (ICEWS)

// Words of the names of bodies, groups, sectors and places, never of a person's name.
constexpr std::string_view kNotPersonWords[] = {
    "academy",     "administration", "affairs",      "africa",      "agency",       "airlines",
    "airways",     "alliance",       "america",      "americas",    "army",         "asia",
    "assembly",    "association",    "authorities",  "authority",   "bank",         "board",
    "bureau",      "business",       "cabinet",      "caribbean",   "center",       "central",
    "centre",      "children",       "church",       "citizen",     "citizens",     "city",
    "club",        "coalition",      "command",      "commission",  "committee",    "community",
    "company",     "congress",       "consulate",    "corporation", "council",      "court",
    "crescent",    "criminal",       "cross",        "department",  "diplomat",     "east",
    "eastern",     "embassy",        "envoy",        "europe",      "european",     "federation",
    "force",       "forces",         "foreign",      "foundation",  "front",        "fund",
    "government",  "group",          "guard",        "gulf",        "house",        "institute",
    "insurgents",  "international",  "island",       "islands",     "kingdom",      "league",
    "media",       "middle",         "military",     "militia",     "ministry",     "movement",
    "nations",     "national",       "navy",         "network",     "news",         "north",
    "ocean",       "office",         "opposition",   "organisation", "organization", "pacific",
    "parliament",  "party",          "people",       "police",      "population",   "post",
    "press",       "protesters",     "province",     "rebels",      "refugees",     "region",
    "representatives", "republic",   "sea",          "secretariat", "senate",       "separatist",
    "service",     "services",       "society",      "south",       "southeast",    "state",
    "states",      "students",       "times",        "union",       "university",   "western",
};

// Lower-case words that may stand in a person's name.
constexpr std::string_view kParticles[] = {
    "al", "el", "bin", "binti", "bint", "ibn", "ben", "de", "da", "das", "do", "dos",
    "del", "della", "der", "den", "di", "du", "la", "le", "van", "von", "y", "e",
};

bool is_particle(std::string_view word) {
  for (auto p : kParticles) {
    if (word == p) return true;
    // "al-Sisi", "bin-Salman", "el-Sisi"
    if (word.size() > p.size() + 1 && word.substr(0, p.size()) == p && word[p.size()] == '-') return true;
  }
  return false;
}

std::vector<std::string_view> words_of(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------- titles (Office of the Historian)

struct Title {
  std::string_view spelling;   // as it may be written
  std::string_view canonical;  // as it is recorded
};

// The titles the Office of the Historian writes before visitors' names (and a few more of
// the same kind), with the source's misspellings. The longest match wins.
constexpr Title kTitles[] = {
    {"President", "President"},
    {"Vice President", "Vice President"},
    {"President of the Government", "President of the Government"},
    {"Prime Minister", "Prime Minister"},
    {"Prime Minster", "Prime Minister"},
    {"Prime Ministere", "Prime Minister"},
    {"Deputy Prime Minister", "Deputy Prime Minister"},
    {"First Deputy Prime Minister", "First Deputy Prime Minister"},
    {"Premier", "Premier"},
    {"Vice Premier", "Vice Premier"},
    {"Chancellor", "Chancellor"},
    {"Federal Chancellor", "Federal Chancellor"},
    {"King", "King"},
    {"Queen", "Queen"},
    {"Queen Mother", "Queen Mother"},
    {"Prince", "Prince"},
    {"Princess", "Princess"},
    {"Crown Prince", "Crown Prince"},
    {"Crown Princess", "Crown Princess"},
    {"Grand Duke", "Grand Duke"},
    {"Grand Duchess", "Grand Duchess"},
    {"Hereditary Grand Duke", "Hereditary Grand Duke"},
    {"Emperor", "Emperor"},
    {"Empress", "Empress"},
    {"Sultan", "Sultan"},
    {"Amir", "Amir"},
    {"Emir", "Emir"},
    {"Sheikh", "Sheikh"},
    {"Shah", "Shah"},
    {"Pope", "Pope"},
    {"Taoiseach", "Taoiseach"},
    {"Regent", "Regent"},
    {"Secretary General", "Secretary-General"},
    {"Secretary-General", "Secretary-General"},
    {"General Secretary", "General Secretary"},
    {"First Secretary", "First Secretary"},
    {"Foreign Minister", "Foreign Minister"},
    {"Minister of Foreign Affairs", "Minister of Foreign Affairs"},
    {"Minister", "Minister"},
    {"Chairman", "Chairman"},
    {"Chairwoman", "Chairwoman"},
    {"Chairperson", "Chairperson"},
    {"Governor General", "Governor General"},
    {"Governor-General", "Governor General"},
    {"Chief of State", "Chief of State"},
    {"Head of State", "Head of State"},
    {"Head of Government", "Head of Government"},
    {"Junta Member", "Junta Member"},
    {"General", "General"},
    {"Lieutenant General", "Lieutenant General"},
    {"Major General", "Major General"},
    {"Brigadier General", "Brigadier General"},
    {"Field Marshal", "Field Marshal"},
    {"Marshal", "Marshal"},
    {"Admiral", "Admiral"},
    {"Colonel", "Colonel"},
    {"Archbishop", "Archbishop"},
    {"Cardinal", "Cardinal"},
    {"Patriarch", "Patriarch"},
    {"Grand Master", "Grand Master"},
    {"Captain Regent", "Captain Regent"},
    {"Co-Prince", "Co-Prince"},
};

constexpr std::string_view kBefore[] = {"Acting", "Interim", "Provisional", "Transitional"};
constexpr std::string_view kAfter[] = {"elect", "designate"};

// A word of a visitor's text: a run of characters other than spaces and '-'.
struct Token {
  std::size_t begin, end;
};

std::vector<Token> tokens_of(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto sep = [](char c) { return is_space(c) || c == '-'; };
  while (i < s.size()) {
    while (i < s.size() && sep(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !sep(s[j])) ++j;
    if (j > i) out.push_back({i, j});
    i = j;
  }
  return out;
}

// Where a match ends: the next token, or within a token where the source glued a title to
// the name ("Prime MinisterHaidar al- Abadi": the name starts at "Haidar").
struct Match {
  std::size_t next_token;
  std::size_t name_begin;  // offset in the text where what follows the title begins
};

std::optional<Match> match_words(std::string_view text, const std::vector<Token>& toks, std::size_t at,
                                 std::string_view spelling) {
  auto words = tokens_of(spelling);
  if (words.empty() || at + words.size() > toks.size()) return std::nullopt;
  for (std::size_t k = 0; k < words.size(); ++k) {
    std::string_view word = spelling.substr(words[k].begin, words[k].end - words[k].begin);
    const Token& t = toks[at + k];
    std::string_view tok = text.substr(t.begin, t.end - t.begin);
    if (iequals(tok, word)) continue;
    // Glued: the last word of the title, then a capital letter.
    bool last = k + 1 == words.size();
    if (last && tok.size() > word.size() && istarts_with(tok, word) && tok[word.size()] >= 'A' &&
        tok[word.size()] <= 'Z') {
      return Match{at + k, t.begin + word.size()};
    }
    return std::nullopt;
  }
  std::size_t next = at + words.size();
  return Match{next, next < toks.size() ? toks[next].begin : text.size()};
}

struct Parsed {
  std::string title;
  std::size_t next_token;
  std::size_t name_begin;
};

// The title at token `at`, with its modifiers and a joined second title.
std::optional<Parsed> parse_title(std::string_view text, const std::vector<Token>& toks, std::size_t at) {
  auto tok = [&](std::size_t i) { return text.substr(toks[i].begin, toks[i].end - toks[i].begin); };
  std::string before;
  if (at < toks.size()) {
    for (auto m : kBefore) {
      if (iequals(tok(at), m)) {
        before = std::string(m) + " ";
        ++at;
        break;
      }
    }
  }
  if (at >= toks.size()) return std::nullopt;
  std::optional<Match> best;
  std::string_view canonical;
  std::size_t best_words = 0;
  for (const auto& t : kTitles) {
    auto m = match_words(text, toks, at, t.spelling);
    if (!m) continue;
    std::size_t n = tokens_of(t.spelling).size();
    if (!best || n > best_words) {
      best = m;
      canonical = t.canonical;
      best_words = n;
    }
  }
  if (!best) return std::nullopt;
  Parsed p{before + std::string(canonical), best->next_token, best->name_begin};
  bool glued = best->name_begin < text.size() && best->next_token < toks.size() &&
               best->name_begin > toks[best->next_token].begin;
  if (glued) return p;
  // "President-elect", "President- designate"
  if (p.next_token < toks.size()) {
    for (auto a : kAfter) {
      if (iequals(tok(p.next_token), a)) {
        p.title += "-" + std::string(a);
        ++p.next_token;
        p.name_begin = p.next_token < toks.size() ? toks[p.next_token].begin : text.size();
        break;
      }
    }
  }
  // "Premier and Prince Sihanouk", "Premier & Prince", "Prime Minister-Prince Norodom Kantol"
  if (p.next_token < toks.size()) {
    std::size_t after = p.next_token;
    std::string joint;
    if (iequals(tok(after), "and") || tok(after) == "&") {
      joint = " and ";
      ++after;
    } else {
      std::string_view gap = text.substr(toks[p.next_token - 1].end, toks[p.next_token].begin - toks[p.next_token - 1].end);
      if (gap.find('-') != std::string_view::npos) joint = "-";
    }
    if (!joint.empty() && after < toks.size()) {
      if (auto second = parse_title(text, toks, after)) {
        p.title += joint + second->title;
        p.next_token = second->next_token;
        p.name_begin = second->name_begin;
      }
    }
  }
  return p;
}

std::string trim_copy(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (is_space(s[b]) || s[b] == '-' || s[b] == ',')) ++b;
  while (e > b && (is_space(s[e - 1]) || s[e - 1] == ',')) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

std::string slug(std::string_view name) {
  std::string folded = text::fold(name);
  std::string out;
  bool dash = false;
  for (char c : folded) {
    bool keep = is_ascii_alnum(c) || static_cast<unsigned char>(c) >= 0x80;
    if (keep) {
      if (dash && !out.empty()) out.push_back('-');
      dash = false;
      out.push_back(ascii_lower(c));
    } else {
      dash = true;
    }
  }
  return out;
}

std::string squeeze(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

bool looks_like_person(std::string_view name, const Crosswalk& countries) {
  if (name.empty()) return false;
  for (char c : name) {
    if (c == '(' || c == ')' || c == '/' || c == '&' || c == ',' || (c >= '0' && c <= '9')) return false;
  }
  if (countries.by_name(name)) return false;
  auto words = words_of(name);
  if (words.size() < 2 || words.size() > 6) return false;
  for (auto w : words) {
    std::string lower;
    for (char c : w) lower.push_back(ascii_lower(c));
    while (!lower.empty() && lower.back() == '.') lower.pop_back();
    for (auto bad : kNotPersonWords) {
      if (lower == bad) return false;
    }
    unsigned char first = static_cast<unsigned char>(w[0]);
    bool capital = (first >= 'A' && first <= 'Z') || first >= 0x80;
    if (!capital && !is_particle(w)) return false;
  }
  return true;
}

TitledName split_title(std::string_view text) {
  auto toks = tokens_of(text);
  auto p = parse_title(text, toks, 0);
  if (!p) return {"", trim_copy(text)};
  return {p->title, trim_copy(text.substr(std::min(p->name_begin, text.size())))};
}

std::vector<TitledName> split_visitors(std::string_view text) {
  // Candidate split points: ", ", " and ", " & ", each followed by a title.
  std::vector<TitledName> out;
  std::size_t begin = 0, i = 0;
  while (i < text.size()) {
    std::size_t len = 0;
    if (text.substr(i, 2) == ", ") len = 2;
    else if (text.substr(i, 5) == " and ") len = 5;
    else if (text.substr(i, 3) == " & ") len = 3;
    if (len == 0) {
      ++i;
      continue;
    }
    std::string_view before = text.substr(begin, i - begin), after = text.substr(i + len);
    auto first = split_title(before);
    auto after_toks = tokens_of(after);
    auto second = parse_title(after, after_toks, 0);
    if (!first.name.empty() && second && !trim_copy(after.substr(std::min(second->name_begin, after.size()))).empty()) {
      out.push_back(std::move(first));
      begin = i + len;
    }
    i += len;
  }
  out.push_back(split_title(text.substr(begin)));
  return out;
}

std::string match_name(std::string_view name) {
  std::string folded = text::fold_marks(name);
  std::string spaced;
  spaced.reserve(folded.size());
  for (std::size_t i = 0; i < folded.size(); ++i) {
    char c = folded[i];
    if (c == '\'' || c == '`') continue;
    if (folded.compare(i, 3, "\xe2\x80\x99") == 0) {  // U+2019, the typographic apostrophe
      i += 2;
      continue;
    }
    spaced.push_back(c == '-' || c == '.' || c == ',' || c == '_' ? ' ' : c);
  }
  std::string out;
  for (auto w : words_of(spaced)) {
    if (out.empty() && w == "sheikh") continue;
    if (!out.empty()) out.push_back(' ');
    out += w == "ibn" ? std::string_view("bin") : w;
  }
  return out;
}

PersonNames PersonNames::parse(std::string_view csv, std::string_view source) {
  PersonNames table;
  std::istringstream in{std::string(csv)};
  TableReader reader(in, std::string(source));
  TableRow row;
  if (!reader.next(row)) throw invalid("{}: empty person-name table", source);
  TableHeader header(row, std::string(source));
  const auto c_state = header.require("state"), c_name = header.require("name"), c_variants = header.require("variants"),
             c_from = header.require("from"), c_to = header.require("to");
  while (reader.next(row)) {
    try {
      if (row.fields.size() != header.size()) {
        throw invalid("{} fields where the header has {}", row.fields.size(), header.size());
      }
      Row r;
      r.state = std::string(trim(row.fields[c_state]));
      r.name = std::string(trim(row.fields[c_name]));
      if (r.name.empty()) throw invalid("column 'name' is blank");
      r.matches.push_back(match_name(r.name));
      for (auto v : split_list(row.fields[c_variants])) {
        if (!v.empty()) r.matches.push_back(match_name(v));
      }
      auto date = [&](std::size_t col, const char* what) -> std::optional<Date> {
        auto v = trim(row.fields[col]);
        if (v.empty()) return std::nullopt;
        try {
          return Date::parse(v);
        } catch (const Error& e) {
          throw with_context(e, fmt::format("column '{}'", what));
        }
      };
      r.from = date(c_from, "from");
      r.to = date(c_to, "to");
      if (r.from && r.to && !before(*r.from, *r.to)) throw invalid("the window ends ({}) before it starts ({})", r.to->str(), r.from->str());
      table.rows_.push_back(std::move(r));
    } catch (const Error& e) {
      throw Error(e.kind(), fmt::format("{}:{}: {}", source, row.line, e.what()));
    }
  }
  return table;
}

const PersonNames& PersonNames::builtin() {
  static const PersonNames table = [] {
    for (const auto& f : detail::embedded_data_files()) {
      if (f.path == "person-names.csv") return parse(f.text, "data/person-names.csv");
    }
    throw corruption("the person-name table (data/person-names.csv) is not compiled into the library");
  }();
  return table;
}

void PersonNames::add(const PersonNames& more) { rows_.insert(rows_.begin(), more.rows_.begin(), more.rows_.end()); }

std::optional<std::string> PersonNames::canonical(std::string_view state, std::string_view name, const Date& on) const {
  const std::string m = match_name(name);
  for (const auto& r : rows_) {
    if (!r.state.empty() && r.state != state) continue;
    if ((r.from && before(on, *r.from)) || (r.to && !before(on, *r.to))) continue;
    if (std::find(r.matches.begin(), r.matches.end(), m) != r.matches.end()) return r.name;
  }
  return std::nullopt;
}

}  // namespace entente::io
