// Names in the event data sets: keys made from names (slugs), whether an ICEWS actor name
// is a person's, and the titles the Office of the Historian puts before a visitor's name.
// docs/import.md states the rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/date.h"

namespace entente::io {

class Crosswalk;

// A key made from a name: lower case, runs of anything but letters and digits become one
// '-', none at either end ("Kim Jong-Un" -> "kim-jong-un", "Benigno S. Aquino, 3rd" ->
// "benigno-s-aquino-3rd"). Letters beyond ASCII are lower-cased where text::fold knows
// them and kept ("Juan Guaidó" -> "juan-guaidó"). Empty when the name has no letter or digit.
std::string slug(std::string_view name);

// Collapses runs of white space (spaces, tabs, line breaks) into one space and trims: the
// XML files wrap long texts over several indented lines.
std::string squeeze(std::string_view text);

// Whether an ICEWS actor name names a person. ICEWS writes persons plainly ("Shinzo Abe",
// "Kim Jong-Un"), sectors and organisations with their country in parentheses
// ("Foreign Affairs (Bangladesh)") or as names of bodies ("Council of Europe", "G7"),
// and states and regions by name. A name is taken for a person's when it has no
// parenthesis, digit, '/', '&' or ','; is not a state in the crosswalk; has 2 to 6 words;
// has no word of a list of words that name bodies, groups and places (Council, Ministry,
// Party, Asia, ...); and each word begins with a capital letter or is a name particle (de,
// van, bin, al-, ...).
bool looks_like_person(std::string_view name, const Crosswalk& countries);

// A visitor as the Office of the Historian writes one: "Prime Minister Anibal Antonio
// Cavaco e Silva" is title "Prime Minister", name "Anibal Antonio Cavaco e Silva".
struct TitledName {
  std::string title;  // canonical spelling ("Prime Minister" for "Prime Minster"); may be empty
  std::string name;   // the rest, as written; may be empty when the text is a title alone
};

// Splits the leading title off a visitor's text: the longest title of the list in
// docs/import.md (President, Prime Minister, King, ...), matched ignoring case with '-' as a
// space, optionally preceded by Acting, Interim, Provisional or Transitional and followed by
// "elect" or "designate" ("President-elect"); two titles joined by "and", "&" or '-'
// make one ("Premier and Prince"). Without a known title, the title is empty.
TitledName split_title(std::string_view text);

// The visitors a text names: split at ", " / " and " / " & " where a title follows and a
// name precedes ("President Francesco Cossiga and Prime Minister Giulio Andreotti"), each
// split by split_title(). "President Tommy E. Remengesau, Jr." is one visitor.
std::vector<TitledName> split_visitors(std::string_view text);

// A person's name as matched across spellings: text::fold_marks (case and diacritics),
// apostrophes dropped, '-', '.', ',' and '_' as spaces, "ibn" as "bin", and a leading
// "Sheikh" (an honorific the Historian writes after the title or not) left out:
// "Abdullah II ibn Al Hussein" and "Abdullah II bin Al-Hussein" match, as do "Shinzō Abe"
// and "Shinzo Abe". Regnal numbers are kept: "Mohamed V" is not "Mohamed VI".
std::string match_name(std::string_view name);

// The table of leaders' name variants (data/person-names.csv, docs/import.md "Persons"):
// which names, written for a visit from which state and when, mean which person.
// Users extend it with a file of the same columns (FormatImportOptions::person_names).
class PersonNames {
 public:
  // The table compiled into the library.
  static const PersonNames& builtin();
  // Parses table CSV text (columns state, name, variants, from, to, note). Throws
  // Error(kInvalid) "<source>:<line>: ..." on a bad row.
  static PersonNames parse(std::string_view csv, std::string_view source);
  // Adds another table's rows; they are tried before this one's.
  void add(const PersonNames& more);

  // The canonical name for `name` written for a visit from state `state` (a crosswalk key;
  // empty when unknown) on `on`: the row whose state matches (or is blank), whose window
  // holds the date, and whose name or a variant matches (match_name). nullopt: none.
  std::optional<std::string> canonical(std::string_view state, std::string_view name, const Date& on) const;
  std::size_t size() const { return rows_.size(); }

 private:
  struct Row {
    std::string state, name;
    std::vector<std::string> matches;  // match_name of the name and of each variant
    std::optional<Date> from, to;
  };
  std::vector<Row> rows_;
};

}  // namespace entente::io
