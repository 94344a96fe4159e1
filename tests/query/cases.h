// Declarative query tests: a case file (tests/query/cases/*.txt) holds a dataset, a query,
// its parameters and the expected rows or error. See tests/query/README.md for the format.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "entente/entente.h"

namespace entente::test {

struct QueryCase {
  std::string name;                            // the file name
  std::string data = "bundled";                // bundled | inline | a file in tests/query/data/
  std::string inline_data;                     // --- data
  Params params;                               // params: {"name": JSON value}
  bool ordered = false;                        // ordered: yes (rows compared in order)
  std::string query;                           // --- query
  std::vector<std::string> columns;            // --- columns (optional): one line, cells split by " | "
  bool expect_rows = false;
  std::vector<std::vector<std::string>> rows;  // --- rows: one line a row, cells split by " | "
  std::vector<std::string> errors;             // --- error: each line must be in the message
};

// Parses a case file's text. Throws std::runtime_error naming the line for a malformed file.
QueryCase parse_case(const std::string& name, const std::string& text);

// Runs the case on a reader; returns "" when it passes, else what differs (with the query,
// the expected and the actual rows or error).
std::string check_case(const QueryCase& c, const Reader& reader);

// The result rows as the case files write them: each value's str(), cells joined by " | ".
std::vector<std::string> render_rows(const QueryResult& r);

}  // namespace entente::test
