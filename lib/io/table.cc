#include "io/table.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/error.h"
#include "common/text.h"

namespace entente::io {

TableReader::TableReader(std::istream& in, std::string source, TableFormat format)
    : in_(in), source_(std::move(source)), format_(format) {}

int TableReader::get() {
  if (pending_ >= 0) {
    int c = pending_;
    pending_ = -1;
    return c;
  }
  // The stream buffer directly: a character at a time through istream::get() costs a
  // sentry each.
  auto* buf = in_.rdbuf();
  int c = buf ? buf->sbumpc() : std::char_traits<char>::eof();
  if (c == std::char_traits<char>::eof()) return -1;
  ++bytes_;
  return static_cast<unsigned char>(c);
}

void TableReader::unget(int c) { pending_ = c; }

// Long: one state machine over the bytes of a record (quotes, delimiters, the three line
// endings, the limits), kept whole so that each byte is looked at once, in one place.
bool TableReader::next(TableRow& row) {
  row.fields.clear();
  for (;;) {
    int c = get();
    if (c < 0) {
      if (in_.bad()) throw io_error("{}:{}: read error", source_, line_);
      return false;
    }
    // A blank line: skip it.
    if (c == '\n') {
      ++line_;
      continue;
    }
    if (c == '\r') {
      int d = get();
      if (d != '\n' && d >= 0) unget(d);
      ++line_;
      continue;
    }
    unget(c);
    break;
  }
  row.line = line_;
  std::size_t record_bytes = 0;
  std::string field;
  bool quoted = false;      // this field began with a quote
  bool in_quotes = false;   // inside the quotes now
  bool after_quote = false; // the closing quote was read
  auto end_field = [&] {
    if (row.fields.size() >= format_.max_fields) {
      throw invalid("{}:{}: more than {} fields in a record", source_, row.line, format_.max_fields);
    }
    row.fields.push_back(std::move(field));
    field.clear();
    quoted = in_quotes = after_quote = false;
  };
  for (;;) {
    int c = get();
    if (++record_bytes > format_.max_record_bytes) {
      throw invalid("{}:{}: record longer than the limit of {} bytes", source_, row.line, format_.max_record_bytes);
    }
    if (c < 0) {
      if (in_.bad()) throw io_error("{}:{}: read error", source_, line_);
      if (in_quotes) throw invalid("{}:{}: a quoted field is not closed before the end of the file", source_, row.line);
      end_field();
      return true;
    }
    if (in_quotes) {
      if (c == '"') {
        int d = get();
        if (d == '"') {
          field.push_back('"');
          ++record_bytes;
        } else {
          if (d >= 0) unget(d);
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n' || (c == '\r')) {
          if (c == '\r') {
            int d = get();
            if (d == '\n') {
              field.push_back('\r');
              c = '\n';
            } else if (d >= 0) {
              unget(d);
            }
          }
          ++line_;
        }
        field.push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c == format_.delimiter) {
      end_field();
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (c == '\r') {
        int d = get();
        if (d != '\n' && d >= 0) unget(d);
      }
      ++line_;
      end_field();
      return true;
    }
    if (after_quote) {
      throw invalid("{}:{}: field {}: characters after a closing quote (a quote inside a field is written \"\")",
                    source_, row.line, row.fields.size() + 1);
    }
    if (c == '"' && format_.quoting && field.empty() && !quoted) {
      quoted = in_quotes = true;
      continue;
    }
    field.push_back(static_cast<char>(c));
  }
}

TableHeader::TableHeader(const TableRow& header, std::string source)
    : names_(header.fields), source_(std::move(source)), line_(header.line) {
  for (auto& n : names_) {
    // A UTF-8 byte order mark on the first column.
    if (&n == &names_.front() && n.starts_with("\xEF\xBB\xBF")) n.erase(0, 3);
    n = std::string(trim(n));
  }
}

std::optional<std::size_t> TableHeader::find(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  return std::nullopt;
}

std::size_t TableHeader::require(std::string_view name) const {
  if (auto i = find(name)) return *i;
  throw invalid("{}:{}: no column '{}' in the header{}", source_, line_, name, text::did_you_mean(name, names_));
}

void check_utf8(const TableRow& row) {
  for (std::size_t i = 0; i < row.fields.size(); ++i) {
    if (!text::valid_utf8(row.fields[i])) throw invalid("field {} is not valid UTF-8", i + 1);
  }
}

void check_row(const TableRow& row, std::size_t columns) {
  if (row.fields.size() != columns) throw invalid("{} fields where the header has {}", row.fields.size(), columns);
  check_utf8(row);
}

std::vector<std::string_view> split_list(std::string_view cell) {
  std::vector<std::string_view> out;
  while (true) {
    auto semi = cell.find(';');
    out.push_back(trim(cell.substr(0, semi)));
    if (semi == std::string_view::npos) return out;
    cell.remove_prefix(semi + 1);
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

namespace {

bool is_missing(std::string_view v, const std::vector<std::string_view>& missing) {
  if (v.empty()) return true;
  for (auto m : missing) {
    if (v == m) return true;
  }
  return false;
}

std::string shown(std::string_view v) {
  return v.size() > 40 ? std::string(v.substr(0, 40)) + "..." : std::string(v);
}

}  // namespace

std::optional<std::int64_t> int_field(std::string_view value, std::string_view column,
                                      const std::vector<std::string_view>& missing) {
  auto v = trim(value);
  if (is_missing(v, missing)) return std::nullopt;
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec == std::errc::result_out_of_range) throw invalid("column '{}': {} is out of range", column, shown(v));
  if (ec != std::errc() || p != v.data() + v.size()) {
    // "1.0" and the like: integral values written as decimals.
    double d = 0;
    auto [q, ec2] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec2 == std::errc() && q == v.data() + v.size() && std::isfinite(d) && d == std::floor(d) &&
        std::fabs(d) < 9.0e15) {
      return static_cast<std::int64_t>(d);
    }
    throw invalid("column '{}': '{}' is not an integer", column, shown(v));
  }
  return out;
}

std::optional<double> float_field(std::string_view value, std::string_view column,
                                  const std::vector<std::string_view>& missing) {
  auto v = trim(value);
  if (is_missing(v, missing)) return std::nullopt;
  double out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(out)) {
    throw invalid("column '{}': '{}' is not a number", column, shown(v));
  }
  return out;
}

}  // namespace entente::io
