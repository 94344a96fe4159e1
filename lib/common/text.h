// Text helpers: name folding for case-insensitive lookup, property-name spelling, and
// "did you mean" suggestions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace entente::text {

// Folds a name for case-insensitive lookup: ASCII and Latin-1/Latin Extended-A letters
// are lower-cased (UTF-8 aware); leading, trailing and repeated spaces are dropped.
std::string fold(std::string_view s);

// Folds a name for matching across spellings (utf8proc): case-folded, compatibility-
// decomposed and stripped of combining marks, so "Sebastián Piñera" and "sebastian pinera"
// fold alike, as do "Erdoğan" and "Erdogan". Not for stored keys (fold() makes those).
// Text that is not valid UTF-8 is folded by fold().
std::string fold_marks(std::string_view s);

// "termination_notice_months" <-> "terminationNoticeMonths"
std::string snake_to_camel(std::string_view s);
std::string camel_to_snake(std::string_view s);

// UTF-8, the one place that knows its bytes. Counts and cuts are by code point.
// True when s is well-formed UTF-8.
bool valid_utf8(std::string_view s);
// Whether byte c continues a character (10xxxxxx) rather than starting one.
inline bool utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }
// The code points of s (its characters, for column numbers and widths).
std::size_t utf8_length(std::string_view s);
// The byte offset of each code point of s.
std::vector<std::size_t> utf8_starts(std::string_view s);
// The character boundary at or before byte offset i (i itself when it is one, or s.size()).
std::size_t utf8_floor(std::string_view s, std::size_t i);
// Appends code point `cp` (at most U+10FFFF) to `out` in UTF-8.
void append_utf8(std::string& out, unsigned long cp);

// A CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF, or starts or ends
// with a space, quotes doubled. The one CSV writer: exports, panels and query results.
std::string csv_field(std::string_view field);
// Fields as one CSV line, comma-separated, ending in "\n".
std::string csv_line(const std::vector<std::string>& fields);

// A size for messages: "4 GiB", "64 MiB", "1 KiB" (whole units only), else "100 bytes".
std::string human_size(std::size_t bytes);
// True when s holds a control character (below 0x20, or 0x7f).
bool has_control(std::string_view s);

// Levenshtein distance, case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);
// Strings longer than this get no suggestion.
inline constexpr std::size_t kMaxSuggestible = 64;
// The candidate nearest to s, if one is near enough to be a likely typo (at most a third of
// its letters wrong), or one that s is a beginning of ("PARTY" for "PARTY_TO").
std::optional<std::string> nearest(std::string_view s, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view s, const std::vector<std::string>& candidates);

}  // namespace entente::text
