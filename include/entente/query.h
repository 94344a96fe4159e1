// The entente query language: Cypher-like graph patterns over the typed, time-aware graph,
// with a valid-time clause and the built-in questions as procedures. See docs/query.md.
//
//   auto snap = db->snapshot();
//   auto r = entente::query(*snap,
//       "MATCH (v:Visit)-[:PRODUCED]->(t:Treaty)<-[:PARTY_TO]-(s:State) "
//       "RETURN s.name AS state, t.name AS treaty, v.start AS from, v.end AS to ORDER BY state");
//   for (const auto& row : r.rows) std::printf("%s\n", row[0].str().c_str());
//
//   entente::query(*snap, "MATCH (s:State {key: $k})-[:PARTY_TO]->(t) RETURN t.key AT DATE date('2024-12-31')",
//                  {{"k", entente::Value("PRK")}});
//
// Errors (syntax, unknown label, type or property, unknown variable, type mismatch, missing
// parameter, a query nested too deeply) throw entente::Error(kInvalid) whose message names
// line:column and the reason, with a suggestion where one is near ("did you mean 'State'?").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/database.h"
#include "entente/date.h"
#include "entente/limits.h"
#include "entente/record.h"

namespace entente {

// A path matched by a pattern: nodes[0] -edges[0]- nodes[1] ... (edges.size() + 1 nodes).
struct Path {
  std::vector<Node> nodes;
  std::vector<Edge> edges;
};

// A value in a query: null, a boolean, an integer, a float, a string, a date, a list, a map,
// a node, a relationship (edge) or a path. Copying is cheap (compound values are shared).
class Value {
 public:
  enum class Type { kNull, kBool, kInt, kFloat, kString, kDate, kList, kMap, kNode, kEdge, kPath };
  using List = std::vector<Value>;
  using Map = std::vector<std::pair<std::string, Value>>;  // in insertion order, keys unique

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(std::int64_t i) : v_(i) {}
  Value(int i) : v_(static_cast<std::int64_t>(i)) {}
  Value(double d) : v_(d) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  // Any other pointer is not a value: without this it would silently become a Boolean.
  template <class T>
    requires(!std::is_same_v<std::remove_cv_t<T>, char>)
  Value(T*) = delete;
  Value(Date d) : v_(d) {}
  Value(List l) : v_(std::make_shared<const List>(std::move(l))) {}
  Value(Map m) : v_(std::make_shared<const Map>(std::move(m))) {}
  Value(Node n) : v_(std::make_shared<const Node>(std::move(n))) {}
  Value(Edge e) : v_(std::make_shared<const Edge>(std::move(e))) {}
  Value(Path p) : v_(std::make_shared<const Path>(std::move(p))) {}

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_number() const { return type() == Type::kInt || type() == Type::kFloat; }

  // REQUIRES: the value has that type.
  bool as_bool() const { return std::get<bool>(v_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  double as_float() const { return std::get<double>(v_); }
  double as_number() const { return type() == Type::kInt ? static_cast<double>(as_int()) : as_float(); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Date& as_date() const { return std::get<Date>(v_); }
  const List& as_list() const { return *std::get<std::shared_ptr<const List>>(v_); }
  const Map& as_map() const { return *std::get<std::shared_ptr<const Map>>(v_); }
  const Node& as_node() const { return *std::get<std::shared_ptr<const Node>>(v_); }
  const Edge& as_edge() const { return *std::get<std::shared_ptr<const Edge>>(v_); }
  const Path& as_path() const { return *std::get<std::shared_ptr<const Path>>(v_); }

  // For display (tables, CSV): a string as it is; a date "2024-06-19"; a node
  // "State:PRK (Democratic People's Republic of Korea)"; a relationship
  // "[PARTY_TO State:PRK->Treaty:rus-prk-2024]"; a path "State:KOR -MEMBER_OF-> Organization:un";
  // a list "[1, 'a']"; a map "{a: 1}"; null "null".
  std::string str() const;
  // For a CSV cell, as spreadsheets and data frames read it: null, NaN and the infinities are
  // empty (missing); a list is its elements joined by ';' ("defense;consult"); a map is its
  // JSON; anything else is str().
  std::string csv_text() const;
  // For machines: JSON scalars; NaN and the infinities as the strings "NaN", "Infinity" and
  // "-Infinity" (not null, which is a real null); a date as its string; a node or
  // relationship as its interchange-format line (docs/interchange.md) plus "id"; a path as
  // {"nodes", "relationships"}.
  nlohmann::ordered_json to_json() const;
  // JSON to a value: objects become maps, arrays lists, integers Int, other numbers Float.
  static Value from_json(const nlohmann::ordered_json& j);

  // Exact equality, as DISTINCT and grouping use it: 1961 and 1961-01-01 differ; nodes and
  // relationships are equal when their ids are; 1 equals 1.0.
  bool operator==(const Value& other) const;

  static const char* type_name(Type t);  // "Null", "Boolean", "Integer", "Float", "String", ...

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, Date, std::shared_ptr<const List>,
               std::shared_ptr<const Map>, std::shared_ptr<const Node>, std::shared_ptr<const Edge>,
               std::shared_ptr<const Path>>
      v_;
};

// Query parameters, referred to as $name.
using Params = std::map<std::string, Value, std::less<>>;

// Bounds on one query (entente/limits.h): passing one stops the query, within a second, with
// Error(kLimit) that names it: "query stopped: time limit of 60 s reached". The memory
// limit counts the rows held by sorting, grouping, DISTINCT, collect() and UNION, and the
// rows query() returns. A procedure (CALL allies(...)) runs within the query's bounds.
using QueryLimits = Limits;

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

// One CSV line (RFC 4180 quoting, ending in "\n"): a header of column names, or a row of
// values as Value::csv_text() gives them. `entente query --format csv` writes these.
[[nodiscard]] std::string csv_line(const std::vector<std::string>& columns);
[[nodiscard]] std::string csv_line(const std::vector<Value>& row);

// Runs a query (or "EXPLAIN query", which returns the plan as rows of one column "plan").
// Throws Error(kInvalid) naming line:column for a bad query; errors of the reads pass through.
[[nodiscard]] QueryResult query(const Reader& reader, std::string_view text, const Params& params = {},
                  const QueryLimits& limits = {});

// As query(), streaming: on_columns once, then on_row for each row until it returns false.
void query(const Reader& reader, std::string_view text, const Params& params,
           const std::function<void(const std::vector<std::string>& columns)>& on_columns,
           const std::function<bool(const std::vector<Value>& row)>& on_row, const QueryLimits& limits = {});

namespace detail {
struct PreparedQueryData;
}

// A query parsed, checked against a database's catalog and planned once, to run many times
// with new parameters:
//
//   auto visits = entente::prepare(*snap, "MATCH (v:Visit)-[:HOST]->(:State {key: $host}) RETURN v.key");
//   for (const char* host : {"PRK", "VNM"}) {
//     for (const auto& row : visits.run(*snap, {{"host", entente::Value(host)}}).rows) ...
//   }
//
// It runs on any snapshot of the database it was prepared on (or of one with the same
// types), from any number of threads at once: running changes nothing in it. A parameter's
// type is checked as it runs (query() checks the types it is given before running).
class PreparedQuery {
 public:
  // The RETURN's columns ("plan" for an EXPLAIN).
  const std::vector<std::string>& columns() const;
  // The parameters it takes, by name without '$', in order of appearance.
  const std::vector<std::string>& parameters() const;
  // The plan, as explain() gives it.
  std::string explain() const;

  // Runs it. Throws Error(kInvalid) "missing parameter $name" for a parameter not given,
  // and as query() does otherwise.
  QueryResult run(const Reader& reader, const Params& params = {}, const QueryLimits& limits = {}) const;
  // As run(), streaming: on_row for each row until it returns false.
  void run(const Reader& reader, const Params& params, const std::function<bool(const std::vector<Value>& row)>& on_row,
           const QueryLimits& limits = {}) const;

 private:
  friend PreparedQuery prepare(const Reader& reader, std::string_view text);
  std::shared_ptr<const detail::PreparedQueryData> data_;
};

// Parses, checks and plans a query (or "EXPLAIN query") once. Throws Error(kInvalid) naming
// line:column for a bad query, as query() does.
[[nodiscard]] PreparedQuery prepare(const Reader& reader, std::string_view text);

// The plan of a query (with or without a leading EXPLAIN), one step a line: where matching
// starts (a key or name lookup, a type scan), each expansion, filter, projection and sort.
[[nodiscard]] std::string explain(const Reader& reader, std::string_view text, const Params& params = {});

// True when the text is a complete statement as the shell reads it: it ends with ';' outside
// any string literal or comment.
[[nodiscard]] bool statement_complete(std::string_view text);

}  // namespace entente
