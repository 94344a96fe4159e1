// Helpers for the exporter tests: running a program, reading CSV, the bundled dataset.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "test_util.h"

namespace entente::test {

// The interpreter the exporter tests read GraphML with: Debian's, not a pyenv shim on PATH.
inline const char* kPython = "/usr/bin/python3";

struct Ran {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line, capturing its exit status, stdout and stderr.
inline Ran run_shell(const TempDir& dir, const std::string& command) {
  auto out = dir / "run.out", err = dir / "run.err";
  int raw = std::system((command + " >'" + out.string() + "' 2>'" + err.string() + "'").c_str());
  Ran r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

// True when /usr/bin/python3 can import networkx.
inline bool have_networkx(const TempDir& dir) {
  if (::access(kPython, X_OK) != 0) return false;
  return run_shell(dir, std::string(kPython) + " -c 'import networkx'").status == 0;
}

// True when Graphviz's dot is on PATH.
inline bool have_dot(const TempDir& dir) { return run_shell(dir, "command -v dot").status == 0; }

using CsvRow = std::vector<std::string>;

// Parses CSV text as RFC 4180 says (quoted fields may hold commas, doubled quotes and
// newlines). Throws std::runtime_error on a malformed quote.
inline std::vector<CsvRow> parse_csv(const std::string& text) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool quoted = false, in_field = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
          if (i + 1 < text.size() && text[i + 1] != ',' && text[i + 1] != '\n') {
            throw std::runtime_error("text after a closing quote at byte " + std::to_string(i));
          }
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"' && !in_field) {
      quoted = in_field = true;
    } else if (c == '"') {
      throw std::runtime_error("a quote inside an unquoted field at byte " + std::to_string(i));
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      in_field = false;
    } else if (c == '\n') {
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      in_field = false;
    } else {
      field += c;
      in_field = true;
    }
  }
  if (quoted) throw std::runtime_error("an unclosed quote");
  if (in_field || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// A CSV table: its header and rows as maps from column name to value.
struct Table {
  CsvRow header;
  std::vector<std::map<std::string, std::string>> rows;
};

// Reads a CSV file with a header. REQUIRES: each row has as many fields as the header
// (checked by the caller through `widths_ok`).
inline Table read_table(const std::filesystem::path& file, bool* widths_ok = nullptr) {
  auto rows = parse_csv(read_file(file));
  Table t;
  if (widths_ok) *widths_ok = true;
  if (rows.empty()) return t;
  t.header = rows.front();
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() != t.header.size()) {
      if (widths_ok) *widths_ok = false;
      continue;
    }
    std::map<std::string, std::string> m;
    for (std::size_t j = 0; j < t.header.size(); ++j) m[t.header[j]] = rows[i][j];
    t.rows.push_back(std::move(m));
  }
  return t;
}

// The bundled dataset's text.
inline std::string bundled_data() { return read_file(ENTENTE_DATA_DIR "/putin-visits-2024.jsonl"); }

}  // namespace entente::test
