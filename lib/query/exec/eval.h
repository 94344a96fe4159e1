// Expression evaluation, value comparison and the built-in functions.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "entente/database.h"
#include "common/budget.h"
#include "entente/query.h"
#include "query/bind/schema.h"
#include "query/bind/bound.h"
#include "query/plan/plan.h"

namespace entente::ql::exec {

using Row = std::vector<Value>;

// The limit on relationships looked at by one query (expansions, paths), and rows made by
// UNWIND and CALL: a query that would walk more (a long variable-length pattern on a dense
// graph) stops with an error.
inline constexpr std::uint64_t kMaxSteps = 20'000'000;

struct Context {
  const Reader& reader;
  const Schema& schema;
  std::optional<Date> at;                     // AT DATE
  const std::vector<Value>* params = nullptr;  // by index (Query::params)
  const std::vector<Value>* aggregates = nullptr;  // the current group's aggregate results
  std::uint64_t steps = 0;
  std::uint64_t max_steps = kMaxSteps;
  Budget budget;  // the query's deadline and the bytes of rows it holds
  // Runs a subquery expression (EXISTS { }, COUNT { }, COLLECT { }) for a row: on_row gets
  // the columns of each row it returns until on_row returns false. Set by the executor.
  std::function<void(const bound::Expr& e, const std::vector<Value>& row,
                     const std::function<bool(const std::vector<Value>& columns)>& on_row)>
      subquery;
  plan::Profile* profile = nullptr;  // PROFILE: each operator's rows and time, else null

  // Counts one relationship looked at; throws past max_steps, and past the deadline (looked
  // at every 1,024 steps).
  void step();
  // Charges (releases) an estimate of the bytes of rows held; throws past the memory limit.
  void charge(std::uint64_t bytes) { budget.charge(bytes, "the rows held for sorting, grouping, DISTINCT, collect() or UNION"); }
  void release(std::uint64_t bytes) { budget.release(bytes); }
  // Whether rows held are counted: only under a memory limit, so that no estimate is made
  // without one.
  bool counts_memory() const { return budget.counts_memory(); }
  void check_time() const { budget.check_time(); }
  // Counts a row passed between operators: the deadline is looked at every 1,024.
  void tick() { budget.tick(); }
};

// A query's budget: its messages say "query stopped: ..." with what to do.
Budget query_budget(const QueryLimits& limits);

// An estimate of the bytes a value (a row) holds, for the memory limit.
std::uint64_t approx_bytes(const Value& v);
std::uint64_t approx_bytes(const std::vector<Value>& row);

// "a String", "an Integer": a value's type for messages.
std::string a_type(const Value& v);

Value eval(const bound::Expr& e, const Row& row, Context& ctx);
// A WHERE: true, false or null (null filters the row out). Throws for a non-Boolean.
bool truthy(const Value& v, const bound::Expr& where);

// Equality as '=' sees it: null when either side is null; dates by first day; numbers by value;
// values of different types are not equal.
std::optional<bool> equals(const Value& a, const Value& b);
// '<' and friends: null when either is null; throws Error "type mismatch" (at pos) when the
// types have no common order.
std::optional<int> compare(const Value& a, const Value& b, Pos pos);
// A total order for ORDER BY, DISTINCT and grouping: by type, then value; exact for dates
// (1961 before 1961-01-01); null last.
int order(const Value& a, const Value& b);
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return order(a, b) < 0; }
};
struct RowLess {
  bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const;
};

// A node's field or property as a value (Date properties as dates); null when absent.
Value node_property(const Node& n, std::string_view name, const Schema& schema);
Value edge_property(const Edge& e, std::string_view name, const Schema& schema);

// The properties of a node or relationship as a map (Date properties as dates), or a map
// itself; an empty map for anything else.
Value properties_of(const Value& v, const Context& ctx);

// A date argument: a Date, or a String parsed as one (throws naming pos), or null.
std::optional<Date> date_arg(const Value& v, Pos pos, const char* what);

// Whether a node or relationship holds on d. A relationship with no validity of its own
// follows a Treaty or Agreement at either end (PARTY_TO follows its treaty).
bool valid_on(const Value& x, const Date& d, const Reader& reader);

Value call_function(const bound::Expr& e, std::vector<Value>& args, Context& ctx);

[[noreturn]] void type_error(Pos pos, const std::string& why);

}  // namespace entente::ql::exec
