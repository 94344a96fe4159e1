// The query's syntax tree, as the parser builds it. The binder fills in the fields marked
// "bound" (variable slots, static types, aggregate indexes); the planner and the executor
// read them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "entente/query.h"
#include "entente/record.h"
#include "query/parse/lexer.h"

namespace entente::ql::ast {

// The limit on nesting (parentheses, NOT NOT ..., lists, operator chains): deeper queries
// are refused with an error rather than overflowing the stack.
inline constexpr int kMaxDepth = 200;
// The limit on the upper bound of a variable-length relationship (*1..20).
inline constexpr int kMaxHops = 20;

// What is known of an expression's type before running it (kAny: only at run time).
enum class SType { kAny, kNull, kBool, kInt, kFloat, kString, kDate, kList, kMap, kNode, kEdge, kPath };
const char* stype_name(SType t);

enum class ExprKind {
  kLiteral, kParam, kVar, kProp, kIndex, kList, kMap, kNot, kNeg, kBinary, kIsNull, kFunc,
  kCase,        // CASE [subject] WHEN .. THEN .. [ELSE ..] END
  kListComp,    // [x IN list WHERE pred | expr]
  kQuantifier,  // all/any/none/single(x IN list WHERE pred)
  kReduce,      // reduce(acc = init, x IN list | expr)
  kMapProj,     // n {.key, .name, k: expr, v, .*}
  kSlice,       // list[from..to]
  kSubquery,    // EXISTS { }, COUNT { }, COLLECT { }, and pattern comprehensions and predicates
  kHasLabel,    // n:State|Organization (keys: the labels or relationship types)
};

// The quantifiers over a list: all(x IN l WHERE p), any, none, single.
enum class Quant { kAll, kAny, kNone, kSingle };
const char* quant_text(Quant q);

// The subqueries that are expressions.
enum class SubKind { kExists, kCount, kCollect };

enum class BinOp { kOr, kXor, kAnd, kEq, kNe, kLt, kLe, kGt, kGe, kIn, kStartsWith, kEndsWith, kContains, kAdd, kSub, kMul, kDiv, kMod, kPow };
const char* binop_text(BinOp op);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct Query;

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Pos pos;
  std::string text;               // the source text of the expression (column names, EXPLAIN)
  Value value;                    // kLiteral
  std::string name;               // kVar, kParam, kProp (the property), kFunc (as written)
  Pos name_pos;                   // kProp: where the property's name is
  BinOp op = BinOp::kAnd;         // kBinary
  bool negated = false;           // kIsNull: IS NOT NULL
  bool distinct = false;          // kFunc: count(DISTINCT x)
  bool star = false;              // kFunc: count(*)
  std::vector<ExprPtr> args;      // operands, elements, function arguments
  std::vector<std::string> keys;  // kMap: the keys, one per args element
  int depth = 1;                  // nesting depth of this subtree
  // kCase: args are [subject] (when, then)... [else]
  bool has_subject = false;
  bool has_else = false;
  // kListComp: args are list [, where] [, map]; kQuantifier: list, where; kReduce: init,
  // list, expr (name: the accumulator, var: the element); kSlice: list [, from] [, to]
  bool has_where = false;
  bool has_map = false;
  bool has_from = false;
  bool has_to = false;
  Quant quant = Quant::kAll;
  std::string var;                // kListComp, kQuantifier, kReduce: the element's variable
  Pos var_pos;
  // kSubquery: the query it runs for each row (shared: the AST is not copied)
  SubKind sub_kind = SubKind::kExists;
  std::shared_ptr<Query> sub;

  // bound
  int local = -1;                 // kListComp, kQuantifier, kReduce: the element's slot
  int local2 = -1;                // kReduce: the accumulator's slot
  int fn = -1;                    // kFunc: the function's index in functions()
  std::vector<int> outer_slots;   // kSubquery: the slots of the outer variables it reads
  int slot = -1;                  // kVar: the variable's slot in a row; kParam: its index in Query::params
  int agg = -1;                   // kFunc, an aggregate: its index among the projection's aggregates
  SType type = SType::kAny;
  std::vector<std::string> labels;  // kVar of a node or relationship: the types it may have (empty: any)
};

// A property map in a pattern: {key: 'PRK', name: $n}.
struct PropEntry {
  std::string key;
  Pos pos;
  ExprPtr value;
};

struct NodePattern {
  Pos pos;
  std::string var;                  // empty: anonymous
  std::vector<std::string> labels;  // alternatives (n:Treaty|Agreement); empty: any
  std::vector<Pos> label_pos;
  std::vector<PropEntry> props;
  int slot = -1;                    // bound (anonymous nodes get a hidden slot)
};

struct RelPattern {
  Pos pos;
  std::string var;
  std::vector<std::string> types;   // alternatives; empty: any
  std::vector<Pos> type_pos;
  Direction dir = Direction::kBoth; // kOut: (a)-->(b); kIn: (a)<--(b); kBoth: (a)--(b)
  bool var_length = false;          // *min..max
  int min = 1;
  int max = 1;
  std::vector<PropEntry> props;
  int slot = -1;                    // bound: an Edge, or a list of Edges when var_length
};

struct PathPattern {
  Pos pos;
  std::string var;                  // p = ...; empty: none
  bool shortest = false;            // shortestPath(...)
  std::vector<NodePattern> nodes;   // rels.size() + 1
  std::vector<RelPattern> rels;
  int slot = -1;                    // bound, when var is given
};

struct Match {
  Pos pos;
  bool optional = false;
  std::vector<PathPattern> patterns;
  ExprPtr where;
};

struct YieldItem {
  Pos pos;
  std::string name;
  std::string alias;  // empty: the name
  int slot = -1;      // bound
  int column = -1;    // bound: the procedure's output column
};

struct Call {
  Pos pos;
  std::string name;
  std::vector<ExprPtr> args;
  bool has_yield = false;
  std::vector<YieldItem> yields;  // empty with has_yield false: every column (standalone CALL)
  ExprPtr where;
  int procedure = -1;  // bound: index in the procedure table
};

struct Unwind {
  Pos pos;
  ExprPtr expr;
  std::string var;
  int slot = -1;
};

struct ReturnItem {
  ExprPtr expr;
  std::string alias;  // AS name, else the expression's text
  bool aliased = false;
  int slot = -1;      // bound: the slot the projected value goes to
};

struct SortItem {
  ExprPtr expr;
  bool descending = false;
};

// WITH and RETURN.
struct Projection {
  Pos pos;
  bool is_return = false;
  bool distinct = false;
  bool star = false;               // RETURN * / WITH *
  std::vector<ReturnItem> items;   // after binding, * is expanded into items
  std::vector<SortItem> order;
  ExprPtr skip;
  ExprPtr limit;
  ExprPtr where;                   // WITH ... WHERE
  // bound
  bool aggregating = false;
  std::vector<const Expr*> aggregates;  // the aggregate calls in the items and ORDER BY, by index
  int width = 0;                        // slots in rows after this projection
};

// CALL { ... } and CALL (a, b) { ... }: a subquery run for each incoming row; its returned
// columns join the row.
struct CallSubquery {
  Pos pos;
  std::shared_ptr<Query> body;
  bool scoped = false;               // CALL (...) { }: imports the variables listed
  bool import_all = false;           // CALL (*) { }
  std::vector<std::string> imports;  // CALL (a, b) { }
  std::vector<Pos> import_pos;
  // bound
  std::vector<int> out_slots;        // the slots of its returned columns, in order
};

using Clause = std::variant<Match, Call, Unwind, Projection, CallSubquery>;

// A query after UNION [ALL].
struct UnionPart {
  Pos pos;
  bool all = false;
  std::vector<Clause> clauses;
};

struct Query {
  bool explain = false;
  bool profile = false;         // PROFILE: run it, then give the plan with rows and time per operator
  std::vector<Clause> clauses;  // the last is a RETURN, or a standalone CALL
  std::vector<UnionPart> unions;  // UNION [ALL] parts after the first, each with its own RETURN
  ExprPtr at_date;              // AT DATE expr
  Pos at_pos;
  int slots = 0;                // bound: the width of a row
  std::vector<std::string> slot_names;  // bound: for EXPLAIN and messages
  // bound: the parameters' names, each once, in order of appearance (kParam's slot)
  std::vector<std::string> params;
  std::vector<Pos> param_pos;
  // bound: the subquery expressions, in the order the binder met them (nested ones too)
  std::vector<const Expr*> subqueries;
};

}  // namespace entente::ql::ast
