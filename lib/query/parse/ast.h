// The query's syntax tree, as the parser builds it. The binder reads it and builds the
// bound tree (query/bind/bound.h), which the planner and the executor read.
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

// The syntax of each part of a query, as the parser reads it: the heads below hold what
// the query says, and the parser's tree (this namespace) adds only its children. The
// binder reads that tree, which it never changes, and builds its own (query/bind/bound.h)
// from the same heads, adding what binding finds: variable slots, static types, the
// function and procedure each call names, aggregate indexes.

struct ExprSyntax {
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
  std::vector<std::string> keys;  // kMap: the keys, one per args element; kHasLabel: the labels
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
  SubKind sub_kind = SubKind::kExists;  // kSubquery
};

struct NodeSyntax {
  Pos pos;
  std::string var;                  // empty: anonymous
  std::vector<std::string> labels;  // alternatives (n:Treaty|Agreement); empty: any
  std::vector<Pos> label_pos;
};

struct RelSyntax {
  Pos pos;
  std::string var;
  std::vector<std::string> types;   // alternatives; empty: any
  std::vector<Pos> type_pos;
  Direction dir = Direction::kBoth; // kOut: (a)-->(b); kIn: (a)<--(b); kBoth: (a)--(b)
  bool var_length = false;          // *min..max
  int min = 1;
  int max = 1;
};

struct PathSyntax {
  Pos pos;
  std::string var;                  // p = ...; empty: none
  bool shortest = false;            // shortestPath(...)
};

struct MatchSyntax {
  Pos pos;
  bool optional = false;
};

struct YieldSyntax {
  Pos pos;
  std::string name;
  std::string alias;  // empty: the name
};

struct CallSyntax {
  Pos pos;
  std::string name;
  bool has_yield = false;  // without: every column (standalone CALL)
};

struct UnwindSyntax {
  Pos pos;
  std::string var;
};

struct ReturnItemSyntax {
  std::string alias;  // AS name, else the expression's text
  bool aliased = false;
};

// WITH and RETURN.
struct ProjectionSyntax {
  Pos pos;
  bool is_return = false;
  bool distinct = false;
  bool star = false;  // RETURN * / WITH *
};

// CALL { ... } and CALL (a, b) { ... }: a subquery run for each incoming row; its returned
// columns join the row.
struct CallSubquerySyntax {
  Pos pos;
  bool scoped = false;               // CALL (...) { }: imports the variables listed
  bool import_all = false;           // CALL (*) { }
  std::vector<std::string> imports;  // CALL (a, b) { }
  std::vector<Pos> import_pos;
};

struct UnionSyntax {
  Pos pos;
  bool all = false;
};

struct QuerySyntax {
  bool explain = false;
  bool profile = false;  // PROFILE: run it, then give the plan with rows and time per operator
  Pos at_pos;            // AT DATE
  Pos as_of_pos;         // AS OF (record time)
  bool as_of_commit = false;  // AS OF COMMIT n (else a time: datetime('...') or text)
};

// ---- the parser's tree

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct Query;

struct Expr : ExprSyntax {
  std::vector<ExprPtr> args;  // operands, elements, function arguments
  std::shared_ptr<Query> sub; // kSubquery: the query it runs for each row
};

// A property map in a pattern: {key: 'PRK', name: $n}.
struct PropEntry {
  std::string key;
  Pos pos;
  ExprPtr value;
};

struct NodePattern : NodeSyntax {
  std::vector<PropEntry> props;
};

struct RelPattern : RelSyntax {
  std::vector<PropEntry> props;
};

struct PathPattern : PathSyntax {
  std::vector<NodePattern> nodes;   // rels.size() + 1
  std::vector<RelPattern> rels;
};

struct Match : MatchSyntax {
  std::vector<PathPattern> patterns;
  ExprPtr where;
};

using YieldItem = YieldSyntax;

struct Call : CallSyntax {
  std::vector<ExprPtr> args;
  std::vector<YieldItem> yields;
  ExprPtr where;
};

struct Unwind : UnwindSyntax {
  ExprPtr expr;
};

struct ReturnItem : ReturnItemSyntax {
  ExprPtr expr;
};

struct SortItem {
  ExprPtr expr;
  bool descending = false;
};

struct Projection : ProjectionSyntax {
  std::vector<ReturnItem> items;
  std::vector<SortItem> order;
  ExprPtr skip;
  ExprPtr limit;
  ExprPtr where;  // WITH ... WHERE
};

struct CallSubquery : CallSubquerySyntax {
  std::shared_ptr<Query> body;
};

using Clause = std::variant<Match, Call, Unwind, Projection, CallSubquery>;

// A query after UNION [ALL].
struct UnionPart : UnionSyntax {
  std::vector<Clause> clauses;
};

struct Query : QuerySyntax {
  std::vector<Clause> clauses;    // the last is a RETURN, or a standalone CALL
  std::vector<UnionPart> unions;  // UNION [ALL] parts after the first, each with its own RETURN
  ExprPtr at_date;                // AT DATE expr
  ExprPtr as_of;                  // AS OF [COMMIT] expr
};

}  // namespace entente::ql::ast
