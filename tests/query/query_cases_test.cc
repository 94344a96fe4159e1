// Runs every declarative query case in tests/query/cases/ (format: tests/query/README.md),
// one DYNAMIC_SECTION per file; adding a case is adding a file.
// Listeners (CloseLoaded, below) need the external interfaces.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>

#include "query/cases.h"
#include "test_util.h"

namespace entente::test {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    auto bar = line.find(" | ", pos);
    out.push_back(trim(line.substr(pos, bar == std::string::npos ? std::string::npos : bar - pos)));
    if (bar == std::string::npos) break;
    pos = bar + 3;
  }
  return out;
}

std::string join(const std::vector<std::string>& cells) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? " | " : "") + cells[i];
  return out;
}

}  // namespace

QueryCase parse_case(const std::string& name, const std::string& text) {
  QueryCase c;
  c.name = name;
  std::istringstream in(text);
  std::string section;  // "" before the first "--- name"
  int n = 0;
  bool has_query = false;
  for (std::string raw; std::getline(in, raw);) {
    ++n;
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("--- ", 0) == 0) {
      section = trim(line.substr(4));
      if (section != "data" && section != "query" && section != "columns" && section != "rows" && section != "error") {
        throw std::runtime_error(name + ":" + std::to_string(n) + ": unknown section '" + section + "'");
      }
      if (section == "rows") c.expect_rows = true;
      if (section == "query") has_query = true;
      continue;
    }
    if (section.empty()) {
      std::string t = trim(line);
      if (t.empty() || t[0] == '#') continue;
      auto colon = t.find(':');
      if (colon == std::string::npos) throw std::runtime_error(name + ":" + std::to_string(n) + ": expected 'key: value'");
      std::string key = trim(t.substr(0, colon)), value = trim(t.substr(colon + 1));
      if (key == "data") {
        c.data = value;
      } else if (key == "ordered") {
        c.ordered = value == "yes" || value == "true";
      } else if (key == "params") {
        auto j = nlohmann::ordered_json::parse(value);
        if (!j.is_object()) throw std::runtime_error(name + ": params must be a JSON object");
        for (auto it = j.begin(); it != j.end(); ++it) c.params[it.key()] = Value::from_json(it.value());
      } else {
        throw std::runtime_error(name + ":" + std::to_string(n) + ": unknown key '" + key + "'");
      }
    } else if (section == "data") {
      c.inline_data += line + "\n";
    } else if (section == "query") {
      c.query += line + "\n";
    } else if (section == "columns") {
      if (!trim(line).empty()) c.columns = split_cells(line);
    } else if (section == "rows") {
      if (!trim(line).empty()) c.rows.push_back(split_cells(line));
    } else if (section == "error") {
      if (!trim(line).empty()) c.errors.push_back(trim(line));
    }
  }
  if (!has_query) throw std::runtime_error(name + ": no '--- query' section");
  if (c.expect_rows == !c.errors.empty()) {
    throw std::runtime_error(name + ": give either '--- rows' or '--- error' (one of them)");
  }
  return c;
}

std::vector<std::string> render_rows(const QueryResult& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows) {
    std::vector<std::string> cells;
    for (const auto& v : row) cells.push_back(trim(v.str()));
    out.push_back(join(cells));
  }
  return out;
}

std::string check_case(const QueryCase& c, const Reader& reader) {
  std::ostringstream why;
  why << "case " << c.name << "\nquery:\n" << c.query;
  QueryResult r;
  try {
    r = query(reader, c.query, c.params);
  } catch (const Error& e) {
    if (c.expect_rows) {
      why << "expected rows, got the error: " << e.what() << "\n";
      return why.str();
    }
    for (const auto& part : c.errors) {
      if (std::string(e.what()).find(part) == std::string::npos) {
        why << "the error\n  " << e.what() << "\ndoes not contain\n  " << part << "\n";
        return why.str();
      }
    }
    return "";
  }
  if (!c.expect_rows) {
    why << "expected an error containing '" << c.errors.front() << "', got " << r.rows.size() << " rows\n";
    for (const auto& line : render_rows(r)) why << "  " << line << "\n";
    return why.str();
  }
  bool ok = true;
  if (!c.columns.empty() && c.columns != r.columns) {
    why << "columns differ:\n  expected: " << join(c.columns) << "\n  actual:   " << join(r.columns) << "\n";
    ok = false;
  }
  std::vector<std::string> expected, actual = render_rows(r);
  for (const auto& row : c.rows) expected.push_back(join(row));
  if (!c.ordered) {
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
  }
  if (expected != actual) {
    why << "rows differ" << (c.ordered ? " (in order)" : " (in any order)") << ":\nexpected " << expected.size() << ":\n";
    for (const auto& line : expected) why << "  " << line << "\n";
    why << "actual " << actual.size() << ":\n";
    for (const auto& line : actual) why << "  " << line << "\n";
    ok = false;
  }
  return ok ? "" : why.str();
}

namespace {

std::filesystem::path cases_dir() { return std::filesystem::path(ENTENTE_TESTS_DIR) / "query" / "cases"; }

std::vector<std::filesystem::path> case_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(cases_dir())) {
    if (e.path().extension() == ".txt") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Loaded databases, one per dataset, shared by the cases (and the runs of the test case).
// Closed when the test run ends (not at static destruction, after RocksDB's own statics).
std::map<std::string, std::unique_ptr<Loaded>>& loaded_cache() {
  static std::map<std::string, std::unique_ptr<Loaded>> cache;
  return cache;
}

struct CloseLoaded : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testRunEnded(const Catch::TestRunStats&) override { loaded_cache().clear(); }
};

const Reader& database_for(const QueryCase& c) {
  auto& cache = loaded_cache();
  std::string text;
  if (c.data == "bundled") {
    text = read_file(std::filesystem::path(ENTENTE_DATA_DIR) / "putin-visits-2024.jsonl");
  } else if (c.data == "inline") {
    text = c.inline_data;
  } else {
    auto p = std::filesystem::path(ENTENTE_TESTS_DIR) / "query" / "data" / c.data;
    if (!std::filesystem::exists(p)) throw std::runtime_error(c.name + ": no dataset " + p.string());
    text = read_file(p);
  }
  auto& slot = cache[text];
  if (!slot) slot = std::make_unique<Loaded>(text);
  return *slot->snap;
}

}  // namespace

CATCH_REGISTER_LISTENER(CloseLoaded)

TEST_CASE("query cases: each case file gives its expected rows or error", "[query]") {
  auto files = case_files();
  REQUIRE(files.size() >= 80);
  for (const auto& f : files) {
    DYNAMIC_SECTION(f.filename().string()) {
      QueryCase c = parse_case(f.filename().string(), read_file(f));
      std::string failure = check_case(c, database_for(c));
      INFO(failure);
      CHECK(failure.empty());
    }
  }
}

TEST_CASE("query cases: the checker reports wrong rows, wrong columns and a missing error", "[query]") {
  Loaded db(kSmallData);
  auto base = "--- query\nMATCH (s:State {key: 'PRK'}) RETURN s.key AS k\n";
  CHECK(check_case(parse_case("right", std::string(base) + "--- columns\nk\n--- rows\nPRK\n"), *db.snap).empty());
  CHECK_THAT(check_case(parse_case("wrong-row", std::string(base) + "--- rows\nCHN\n"), *db.snap),
             Catch::Contains("rows differ"));
  CHECK_THAT(check_case(parse_case("extra-row", std::string(base) + "--- rows\nPRK\nPRK\n"), *db.snap),
             Catch::Contains("rows differ"));
  CHECK_THAT(check_case(parse_case("wrong-column", std::string(base) + "--- columns\nkey\n--- rows\nPRK\n"), *db.snap),
             Catch::Contains("columns differ"));
  CHECK_THAT(check_case(parse_case("no-error", std::string(base) + "--- error\nunknown\n"), *db.snap),
             Catch::Contains("expected an error"));
  CHECK_THAT(check_case(parse_case("other-error", "--- query\nMATCH (s:Sate) RETURN s\n--- error\nno such thing\n"), *db.snap),
             Catch::Contains("does not contain"));
  auto ordered = "ordered: yes\n--- query\nUNWIND [2, 1] AS x RETURN x\n--- rows\n1\n2\n";
  CHECK_THAT(check_case(parse_case("order", ordered), *db.snap), Catch::Contains("in order"));
  CHECK(check_case(parse_case("any-order", "--- query\nUNWIND [2, 1] AS x RETURN x\n--- rows\n1\n2\n"), *db.snap).empty());
  CHECK_THROWS_WITH(parse_case("both", std::string(base) + "--- rows\nPRK\n--- error\nx\n"),
                    Catch::Contains("either"));
  CHECK_THROWS_WITH(parse_case("bad-key", "colour: red\n--- query\nRETURN 1\n--- rows\n1\n"), Catch::Contains("unknown key"));
}

}  // namespace entente::test
