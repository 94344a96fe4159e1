// The bound tree: what the binder builds from the parser's tree (query/parse/ast.h), which
// it reads and never changes. Each part has the syntax head the parser read and adds what
// binding found: each variable's slot in a row, static types, the function or procedure a
// call names (an index into its table), aggregate indexes, the parameters' indexes. The
// planner points into it and the plan owns it (plan::Plan::query); the executor reads it.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "query/parse/ast.h"

namespace entente::ql::bound {

using ast::BinOp;
using ast::ExprKind;
using ast::Quant;
using ast::SType;
using ast::SubKind;
using ast::kMaxDepth;
using ast::kMaxHops;

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct Query;

struct Expr : ast::ExprSyntax {
  std::vector<ExprPtr> args;      // operands, elements, function arguments
  std::shared_ptr<Query> sub;     // kSubquery: the query it runs for each row
  int local = -1;                 // kListComp, kQuantifier, kReduce: the element's slot
  int local2 = -1;                // kReduce: the accumulator's slot
  int fn = -1;                    // kFunc: the function's index in functions()
  std::vector<int> outer_slots;   // kSubquery: the slots of the outer variables it reads
  int slot = -1;                  // kVar: the variable's slot in a row; kParam: its index in Query::params
  int agg = -1;                   // kFunc, an aggregate: its index among the projection's aggregates
  SType type = SType::kAny;
  std::vector<std::string> labels;  // kVar of a node or relationship: the types it may have (empty: any)
};

struct PropEntry {
  std::string key;
  Pos pos;
  ExprPtr value;
};

struct NodePattern : ast::NodeSyntax {
  std::vector<PropEntry> props;
  int slot = -1;  // anonymous nodes get a hidden slot
};

struct RelPattern : ast::RelSyntax {
  std::vector<PropEntry> props;
  int slot = -1;  // an Edge, or a list of Edges when var_length
};

struct PathPattern : ast::PathSyntax {
  std::vector<NodePattern> nodes;  // rels.size() + 1
  std::vector<RelPattern> rels;
  int slot = -1;  // when var is given
};

struct Match : ast::MatchSyntax {
  std::vector<PathPattern> patterns;
  ExprPtr where;
};

struct YieldItem : ast::YieldSyntax {
  int slot = -1;
  int column = -1;  // the procedure's output column
};

struct Call : ast::CallSyntax {
  std::vector<ExprPtr> args;
  std::vector<YieldItem> yields;  // every column when the query gave no YIELD
  ExprPtr where;
  int procedure = -1;  // index in the procedure table
};

struct Unwind : ast::UnwindSyntax {
  ExprPtr expr;
  int slot = -1;
};

struct ReturnItem : ast::ReturnItemSyntax {
  ExprPtr expr;
  int slot = -1;  // the slot the projected value goes to
};

struct SortItem {
  ExprPtr expr;
  bool descending = false;
};

struct Projection : ast::ProjectionSyntax {
  std::vector<ReturnItem> items;  // * expanded into items
  std::vector<SortItem> order;
  ExprPtr skip;
  ExprPtr limit;
  ExprPtr where;  // WITH ... WHERE
  bool aggregating = false;
  std::vector<const Expr*> aggregates;  // the aggregate calls in the items and ORDER BY, by index
  int width = 0;                        // slots in rows after this projection
};

struct CallSubquery : ast::CallSubquerySyntax {
  std::shared_ptr<Query> body;
  std::vector<int> out_slots;  // the slots of its returned columns, in order
};

using Clause = std::variant<Match, Call, Unwind, Projection, CallSubquery>;

struct UnionPart : ast::UnionSyntax {
  std::vector<Clause> clauses;
};

struct Query : ast::QuerySyntax {
  std::vector<Clause> clauses;
  std::vector<UnionPart> unions;
  ExprPtr at_date;
  ExprPtr as_of;  // AS OF: the commit (an Int with as_of_commit) or the time (a String)
  int slots = 0;                        // the width of a row
  std::vector<std::string> slot_names;  // for EXPLAIN and messages
  // the parameters' names, each once, in order of appearance (kParam's slot)
  std::vector<std::string> params;
  std::vector<Pos> param_pos;
  // the subquery expressions, in the order the binder met them (nested ones too)
  std::vector<const Expr*> subqueries;
};

// The parser's tree as a bound tree with nothing bound yet: the binder's first step.
Query copy_syntax(const ast::Query& q);

}  // namespace entente::ql::bound
