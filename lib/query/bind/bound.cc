#include "query/bind/bound.h"

#include <type_traits>

namespace entente::ql::bound {

namespace {

// Each part copied: its syntax head, and its children copied in turn. (Declared first, for
// copy_all to find them all.)
ExprPtr copy(const ast::ExprPtr& e);
Clause copy(const ast::Clause& c);
PropEntry copy(const ast::PropEntry& p);
NodePattern copy(const ast::NodePattern& n);
RelPattern copy(const ast::RelPattern& r);
PathPattern copy(const ast::PathPattern& p);
YieldItem copy(const ast::YieldItem& y);
ReturnItem copy(const ast::ReturnItem& r);
SortItem copy(const ast::SortItem& s);

std::shared_ptr<Query> copy(const std::shared_ptr<ast::Query>& q) {
  return q ? std::make_shared<Query>(copy_syntax(*q)) : nullptr;
}

template <class To, class From>
std::vector<To> copy_all(const std::vector<From>& from) {
  std::vector<To> out;
  out.reserve(from.size());
  for (const auto& x : from) out.push_back(copy(x));
  return out;
}

ExprPtr copy(const ast::ExprPtr& e) {
  if (!e) return nullptr;
  auto b = std::make_unique<Expr>();
  static_cast<ast::ExprSyntax&>(*b) = *e;
  b->args = copy_all<ExprPtr>(e->args);
  b->sub = copy(e->sub);
  return b;
}

PropEntry copy(const ast::PropEntry& p) { return {p.key, p.pos, copy(p.value)}; }

NodePattern copy(const ast::NodePattern& n) {
  NodePattern b;
  static_cast<ast::NodeSyntax&>(b) = n;
  b.props = copy_all<PropEntry>(n.props);
  return b;
}

RelPattern copy(const ast::RelPattern& r) {
  RelPattern b;
  static_cast<ast::RelSyntax&>(b) = r;
  b.props = copy_all<PropEntry>(r.props);
  return b;
}

PathPattern copy(const ast::PathPattern& p) {
  PathPattern b;
  static_cast<ast::PathSyntax&>(b) = p;
  b.nodes = copy_all<NodePattern>(p.nodes);
  b.rels = copy_all<RelPattern>(p.rels);
  return b;
}

YieldItem copy(const ast::YieldItem& y) {
  YieldItem b;
  static_cast<ast::YieldSyntax&>(b) = y;
  return b;
}

ReturnItem copy(const ast::ReturnItem& r) {
  ReturnItem b;
  static_cast<ast::ReturnItemSyntax&>(b) = r;
  b.expr = copy(r.expr);
  return b;
}

SortItem copy(const ast::SortItem& s) { return {copy(s.expr), s.descending}; }

Clause copy(const ast::Clause& c) {
  return std::visit(
      [](const auto& x) -> Clause {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, ast::Match>) {
          Match b;
          static_cast<ast::MatchSyntax&>(b) = x;
          b.patterns = copy_all<PathPattern>(x.patterns);
          b.where = copy(x.where);
          return b;
        } else if constexpr (std::is_same_v<T, ast::Call>) {
          Call b;
          static_cast<ast::CallSyntax&>(b) = x;
          b.args = copy_all<ExprPtr>(x.args);
          b.yields = copy_all<YieldItem>(x.yields);
          b.where = copy(x.where);
          return b;
        } else if constexpr (std::is_same_v<T, ast::Unwind>) {
          Unwind b;
          static_cast<ast::UnwindSyntax&>(b) = x;
          b.expr = copy(x.expr);
          return b;
        } else if constexpr (std::is_same_v<T, ast::Projection>) {
          Projection b;
          static_cast<ast::ProjectionSyntax&>(b) = x;
          b.items = copy_all<ReturnItem>(x.items);
          b.order = copy_all<SortItem>(x.order);
          b.skip = copy(x.skip);
          b.limit = copy(x.limit);
          b.where = copy(x.where);
          return b;
        } else {
          CallSubquery b;
          static_cast<ast::CallSubquerySyntax&>(b) = x;
          b.body = copy(x.body);
          return b;
        }
      },
      c);
}

}  // namespace

Query copy_syntax(const ast::Query& q) {
  Query b;
  static_cast<ast::QuerySyntax&>(b) = q;
  b.clauses = copy_all<Clause>(q.clauses);
  for (const auto& u : q.unions) {
    UnionPart part;
    static_cast<ast::UnionSyntax&>(part) = u;
    part.clauses = copy_all<Clause>(u.clauses);
    b.unions.push_back(std::move(part));
  }
  b.at_date = copy(q.at_date);
  b.as_of = copy(q.as_of);
  return b;
}

}  // namespace entente::ql::bound
