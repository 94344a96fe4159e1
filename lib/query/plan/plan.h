// The planner: turns a bound query into a pipeline of operators. Each MATCH starts from its
// most selective point — a variable already bound, a key lookup ({key: 'PRK'} or
// WHERE n.key = 'PRK'), a name lookup, then a type scan, then a scan of every node — and
// expands along the pattern from there; each WHERE conjunct is applied as soon as the
// variables it reads are bound. EXPLAIN prints the plan.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "query/bind/bound.h"

namespace entente::ql::plan {

enum class OpKind {
  kNodeByKey,     // a key lookup in the key index, for each allowed type
  kNodeByName,    // a name lookup in the name index, then the exact name
  kNodeScan,      // every node of the allowed types
  kAllNodes,      // every node
  kNodeCheck,     // a node bound earlier: check the pattern's labels, properties, date
  kExpand,        // one relationship from a bound node
  kVarExpand,     // a variable-length relationship (*min..max): depth-first over trails, or
                  // breadth-first over distinct end nodes (Op::distinct_ends)
  kShortestPath,  // breadth-first between two bound nodes
  kBuildPath,     // p = ...: the path value from the pattern's slots
  kFilter,        // a WHERE conjunct
  kOptional,      // OPTIONAL MATCH: the sub-plan, or one row of nulls
  kCall,          // CALL procedure(...) YIELD ...
  kUnwind,        // UNWIND list AS x
  kProjection,    // WITH / RETURN: projection, aggregation, DISTINCT, ORDER BY, SKIP, LIMIT, WHERE
  kSubquery,      // CALL { }: the sub-plan for each row, its returned columns joining the row
};

struct Plan;

struct Op {
  OpKind kind = OpKind::kFilter;
  const bound::NodePattern* node = nullptr;  // anchors and checks: the node; expands: the node reached
  const bound::NodePattern* from = nullptr;  // expands: the node expanded from; shortest path: the first end
  const bound::Expr* lookup = nullptr;       // kNodeByKey, kNodeByName: the key or name
  const bound::RelPattern* rel = nullptr;    // expands, shortest path
  int from_slot = -1;                      // expands: the bound node; shortest path: one end
  int to_slot = -1;                        // expands: the node reached; shortest path: the other end
  Direction dir = Direction::kBoth;        // expands: the direction from from_slot
  bool to_bound = false;                   // expands: the node reached is already bound (check it)
  bool reversed = false;                   // expands: walks the pattern right to left
  std::vector<int> unique_rels;            // slots of this MATCH's relationships bound before
  // kVarExpand: the rows that follow need each end node once, not each trail to it (an
  // anonymous relationship, no path variable, no later relationship in the MATCH, and a
  // DISTINCT or DISTINCT-aggregating projection next): expand breadth-first, each node once.
  bool distinct_ends = false;
  // distinct_ends, and the end node is only counted (count(b), count(DISTINCT b)) and has
  // no label or property to check: it is bound by id, its record not read.
  bool ends_by_id = false;
  // kExpand: the relationship is anonymous, without properties to check, and in no path:
  // only its id is read (for relationship uniqueness), not its record.
  bool rel_by_id = false;
  // kExpand, rel_by_id: the node reached is anonymous, without properties to check, in no
  // path, and only expanded from by later single hops: it is bound by id and type, its
  // record not read.
  bool node_by_id = false;
  const bound::PathPattern* path = nullptr;  // kBuildPath, kShortestPath
  const bound::Expr* filter = nullptr;       // kFilter
  std::vector<Op> sub;                     // kOptional
  std::vector<int> nulls;                  // kOptional: slots set to null when nothing matches
  const bound::Call* call = nullptr;
  const bound::Unwind* unwind = nullptr;
  const bound::Projection* proj = nullptr;
  const bound::CallSubquery* subquery = nullptr;  // kSubquery
  std::shared_ptr<const Plan> plan;             // kSubquery: the body's plan
};

// The plan of a query: its operators, or for a UNION the plan of each part.
struct Plan {
  std::vector<Op> ops;
  std::vector<std::string> columns;  // of the RETURN (none for a subquery that returns nothing)
  std::vector<int> column_slots;     // where the columns are, in the rows of ops
  // UNION: the parts after the first, each with its column_slots in the order of `columns`.
  std::vector<Plan> unions;
  bool union_all = false;
  // The top-level plan only: the plans of the subquery expressions (EXISTS { }, COUNT { },
  // COLLECT { }, pattern comprehensions), nested ones included.
  std::map<const bound::Expr*, std::shared_ptr<const Plan>> subqueries;
  // The top-level plan only: the bound tree its operators (and its sub-plans') point into.
  std::shared_ptr<const bound::Query> query;
};

// The plan of a bound query, which it keeps (Plan::query).
Plan make_plan(std::shared_ptr<const bound::Query> q);

// PROFILE: what an operator did in a run, over every time it ran (a sub-plan runs once per
// row that needs it): the rows it passed on, and the time spent in it, not in the operators
// after it (a subquery evaluated in an expression counts in its own operators and in the
// one that evaluates it).
struct OpStats {
  std::uint64_t rows = 0;
  std::chrono::nanoseconds time{0};
};
using Profile = std::map<const Op*, OpStats>;

// The plan, one operator a line, numbered, sub-plans indented; with a profile, each line
// ends with the operator's rows and time.
std::string explain(const bound::Query& q, const Plan& plan, const Profile* profile = nullptr);

}  // namespace entente::ql::plan
