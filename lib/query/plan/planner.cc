#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "query/bind/binder.h"
#include "query/plan/plan.h"

namespace entente::ql::plan {

using namespace bound;

namespace {

// The AND-ed parts of a WHERE.
void conjuncts(const Expr* e, std::vector<const Expr*>& out) {
  if (!e) return;
  if (e->kind == ExprKind::kBinary && e->op == BinOp::kAnd) {
    conjuncts(e->args[0].get(), out);
    conjuncts(e->args[1].get(), out);
    return;
  }
  out.push_back(e);
}

bool has_aggregate(const Expr& e) {
  if (e.agg >= 0) return true;
  for (const auto& a : e.args) {
    if (has_aggregate(*a)) return true;
  }
  return false;
}

struct Pending {
  const Expr* expr;
  std::vector<int> slots;
};

class ClausePlanner {
 public:
  ClausePlanner(std::set<int>& bound, std::vector<Op>& out) : bound_(bound), out_(out) {}

  void plan(const Match& m) {
    std::vector<const Expr*> parts;
    conjuncts(m.where.get(), parts);
    for (const Expr* c : parts) {
      Pending p{c, {}};
      slots_used(*c, p.slots);
      note_lookup(*c);
      pending_.push_back(std::move(p));
    }
    flush();
    std::vector<const PathPattern*> remaining;
    for (const auto& p : m.patterns) remaining.push_back(&p);
    while (!remaining.empty()) {
      // The most selective starting point over every node of every pattern left.
      int best_rank = 1 << 30;
      std::size_t best_pattern = 0, best_node = 0;
      for (std::size_t i = 0; i < remaining.size(); ++i) {
        const PathPattern& p = *remaining[i];
        if (p.shortest) {
          // Both ends are anchored before the search: the pattern is as selective as its
          // worse end, so that another pattern binding that end (by key, say) goes first.
          const std::size_t last = p.nodes.size() - 1;
          const int front = rank(p.nodes.front()), back = rank(p.nodes.back());
          const int r = std::max(front, back);
          if (r < best_rank) {
            best_rank = r;
            best_pattern = i;
            best_node = front <= back ? 0 : last;
          }
          continue;
        }
        for (std::size_t j = 0; j < p.nodes.size(); ++j) {
          int r = rank(p.nodes[j]);
          if (r < best_rank) {
            best_rank = r;
            best_pattern = i;
            best_node = j;
          }
        }
      }
      const PathPattern& p = *remaining[best_pattern];
      remaining.erase(remaining.begin() + static_cast<std::ptrdiff_t>(best_pattern));
      if (p.shortest) {
        shortest(p, best_node);
      } else {
        path(p, best_node);
      }
    }
    for (const auto& p : pending_) out_.push_back(filter(p.expr));
    pending_.clear();
  }

 private:
  // Lower is better: bound 0, key lookup 1, name lookup 2, type scan 3, every node 5.
  int rank(const NodePattern& n) const {
    if (bound_.count(n.slot)) return 0;
    if (key_of(n)) return 1;
    if (name_of(n)) return 2;
    if (!n.labels.empty()) return 3;
    return 5;
  }

  // n.key = constant (or constant = n.key) in the WHERE: usable as a lookup.
  void note_lookup(const Expr& c) {
    if (c.kind != ExprKind::kBinary || c.op != BinOp::kEq) return;
    for (int side = 0; side < 2; ++side) {
      const Expr& prop = *c.args[static_cast<std::size_t>(side)];
      const Expr& value = *c.args[static_cast<std::size_t>(1 - side)];
      if (prop.kind != ExprKind::kProp || prop.args[0]->kind != ExprKind::kVar) continue;
      if (prop.args[0]->type != SType::kNode) continue;
      std::vector<int> used;
      slots_used(value, used);
      if (!used.empty() || has_aggregate(value)) continue;
      if (prop.name == "key") where_keys_.emplace_back(prop.args[0]->slot, &value);
      if (prop.name == "name") where_names_.emplace_back(prop.args[0]->slot, &value);
    }
  }

  const Expr* key_of(const NodePattern& n) const {
    for (const auto& p : n.props) {
      if (p.key == "key") return p.value.get();
    }
    for (const auto& [slot, e] : where_keys_) {
      if (slot == n.slot) return e;
    }
    return nullptr;
  }
  const Expr* name_of(const NodePattern& n) const {
    for (const auto& p : n.props) {
      if (p.key == "name") return p.value.get();
    }
    for (const auto& [slot, e] : where_names_) {
      if (slot == n.slot) return e;
    }
    return nullptr;
  }

  static Op filter(const Expr* e) {
    Op op;
    op.kind = OpKind::kFilter;
    op.filter = e;
    return op;
  }

  // Emits the WHERE parts whose variables are all bound.
  void flush() {
    for (auto it = pending_.begin(); it != pending_.end();) {
      bool ready = std::all_of(it->slots.begin(), it->slots.end(), [&](int s) { return bound_.count(s) > 0; });
      if (ready) {
        out_.push_back(filter(it->expr));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void anchor(const NodePattern& n) {
    Op op;
    op.node = &n;
    op.to_slot = n.slot;
    if (bound_.count(n.slot)) {
      op.kind = OpKind::kNodeCheck;
    } else if (const Expr* k = key_of(n)) {
      op.kind = OpKind::kNodeByKey;
      op.lookup = k;
    } else if (const Expr* nm = name_of(n)) {
      op.kind = OpKind::kNodeByName;
      op.lookup = nm;
    } else {
      op.kind = n.labels.empty() ? OpKind::kAllNodes : OpKind::kNodeScan;
    }
    out_.push_back(op);
    bound_.insert(n.slot);
    flush();
  }

  static Direction reverse(Direction d) {
    return d == Direction::kOut ? Direction::kIn : d == Direction::kIn ? Direction::kOut : Direction::kBoth;
  }

  void expand(const RelPattern& r, const NodePattern& from, const NodePattern& to, bool reversed) {
    Op op;
    op.kind = r.var_length ? OpKind::kVarExpand : OpKind::kExpand;
    op.rel = &r;
    op.node = &to;
    op.from = &from;
    op.from_slot = from.slot;
    op.to_slot = to.slot;
    op.dir = reversed ? reverse(r.dir) : r.dir;
    op.reversed = reversed;
    op.to_bound = bound_.count(to.slot) > 0;
    op.unique_rels = clause_rels_;
    out_.push_back(op);
    clause_rels_.push_back(r.slot);
    bound_.insert(r.slot);
    bound_.insert(to.slot);
    flush();
  }

  void path(const PathPattern& p, std::size_t start) {
    anchor(p.nodes[start]);
    for (std::size_t j = start; j < p.rels.size(); ++j) expand(p.rels[j], p.nodes[j], p.nodes[j + 1], false);
    for (std::size_t j = start; j-- > 0;) expand(p.rels[j], p.nodes[j + 1], p.nodes[j], true);
    if (p.slot >= 0) {
      Op op;
      op.kind = OpKind::kBuildPath;
      op.path = &p;
      out_.push_back(op);
      bound_.insert(p.slot);
      flush();
    }
  }

  void shortest(const PathPattern& p, std::size_t start) {
    const NodePattern& a = p.nodes.front();
    const NodePattern& b = p.nodes.back();
    anchor(start == 0 ? a : b);
    anchor(start == 0 ? b : a);
    Op op;
    op.kind = OpKind::kShortestPath;
    op.rel = &p.rels.front();
    op.path = &p;
    op.from = &a;
    op.node = &b;
    op.from_slot = a.slot;
    op.to_slot = b.slot;
    op.dir = p.rels.front().dir;
    out_.push_back(op);
    bound_.insert(p.rels.front().slot);
    clause_rels_.push_back(p.rels.front().slot);
    if (p.slot >= 0) bound_.insert(p.slot);
    flush();
  }

  std::set<int>& bound_;
  std::vector<Op>& out_;
  std::vector<Pending> pending_;
  std::vector<std::pair<int, const Expr*>> where_keys_;
  std::vector<std::pair<int, const Expr*>> where_names_;
  std::vector<int> clause_rels_;
};

// ---- EXPLAIN text

std::string node_text(const NodePattern& n, const Query& q) {
  std::string out = "(";
  out += n.var.empty() ? "" : n.var;
  if (!n.labels.empty()) out += ":" + fmt::format("{}", fmt::join(n.labels, "|"));
  if (!n.props.empty()) {
    std::vector<std::string> parts;
    for (const auto& p : n.props) parts.push_back(p.key + ": " + p.value->text);
    out += (out.size() > 1 ? " {" : "{") + fmt::format("{}", fmt::join(parts, ", ")) + "}";
  }
  (void)q;
  return out + ")";
}

// A node already described: its variable, or for an anonymous node its labels: (s), (:Treaty), ().
std::string short_node_text(const NodePattern& n) {
  if (!n.var.empty()) return "(" + n.var + ")";
  return n.labels.empty() ? "()" : fmt::format("(:{})", fmt::join(n.labels, "|"));
}

std::string rel_text(const RelPattern& r, Direction dir) {
  std::string inner = r.var;
  if (!r.types.empty()) inner += ":" + fmt::format("{}", fmt::join(r.types, "|"));
  if (r.var_length) inner += r.min == r.max ? fmt::format("*{}", r.min) : fmt::format("*{}..{}", r.min, r.max);
  if (!r.props.empty()) {
    std::vector<std::string> parts;
    for (const auto& p : r.props) parts.push_back(p.key + ": " + p.value->text);
    inner += " {" + fmt::format("{}", fmt::join(parts, ", ")) + "}";
  }
  std::string mid = inner.empty() ? "--" : "-[" + inner + "]-";  // (a)-->(b) as written without brackets
  if (dir == Direction::kOut) return mid + ">";
  if (dir == Direction::kIn) return "<" + mid;
  return mid;
}

void describe_plan(const Query& q, const Plan& plan, int indent, int& counter, std::string& out, const Profile* profile);

// "  [12 rows, 0.034 ms]" for an operator that ran, under PROFILE.
std::string stats_text(const Profile* profile, const Op& op) {
  if (!profile) return "";
  auto it = profile->find(&op);
  if (it == profile->end()) return "  [not run]";
  const double ms = std::chrono::duration<double, std::milli>(it->second.time).count();
  return fmt::format("  [{} row{}, {:.3f} ms]", it->second.rows, it->second.rows == 1 ? "" : "s", ms);
}

void describe(const Query& q, const std::vector<Op>& ops, int indent, int& counter, std::string& out,
              const Profile* profile) {
  for (const auto& op : ops) {
    std::string pad(static_cast<std::size_t>(indent) * 4, ' ');
    std::string name, detail;
    switch (op.kind) {
      case OpKind::kNodeByKey:
        name = "NodeByKey";
        detail = fmt::format("{} key = {}  (key index)", node_text(*op.node, q), op.lookup->text);
        break;
      case OpKind::kNodeByName:
        name = "NodeByName";
        detail = fmt::format("{} name = {}  (name index)", node_text(*op.node, q), op.lookup->text);
        break;
      case OpKind::kNodeScan:
        name = "NodeScan";
        detail = fmt::format("{}  (every {})", node_text(*op.node, q), fmt::join(op.node->labels, ", every "));
        break;
      case OpKind::kAllNodes:
        name = "AllNodesScan";
        detail = fmt::format("{}  (every node: no label, key or name to start from)", node_text(*op.node, q));
        break;
      case OpKind::kNodeCheck:
        name = "NodeCheck";
        detail = fmt::format("{}  (bound before)", node_text(*op.node, q));
        break;
      case OpKind::kExpand:
      case OpKind::kVarExpand:
        name = op.kind == OpKind::kExpand ? "Expand" : "VarExpand";
        detail = fmt::format("{}{}{}{}{}", short_node_text(*op.from),
                             rel_text(*op.rel, op.dir), node_text(*op.node, q), op.to_bound ? "  (into a bound node)" : "",
                             op.ends_by_id       ? "  (breadth-first: each end node once, counted by id)"
                             : op.distinct_ends ? "  (breadth-first: each end node once)"
                                                : "");
        break;
      case OpKind::kShortestPath:
        name = "ShortestPath";
        detail = fmt::format("{}{}{}  (breadth-first)", short_node_text(*op.from), rel_text(*op.rel, op.dir),
                             short_node_text(*op.node));
        break;
      case OpKind::kBuildPath: name = "BuildPath", detail = op.path->var; break;
      case OpKind::kFilter: name = "Filter", detail = op.filter->text; break;
      case OpKind::kOptional: name = "Optional", detail = "(one row of nulls when the sub-plan matches nothing)"; break;
      case OpKind::kCall: {
        name = "Call";
        std::vector<std::string> args, yields;
        for (const auto& a : op.call->args) args.push_back(a->text);
        for (const auto& y : op.call->yields) yields.push_back(y.alias.empty() ? y.name : y.name + " AS " + y.alias);
        detail = fmt::format("{}({}) YIELD {}", op.call->name, fmt::join(args, ", "), fmt::join(yields, ", "));
        break;
      }
      case OpKind::kUnwind: name = "Unwind", detail = op.unwind->expr->text + " AS " + op.unwind->var; break;
      case OpKind::kSubquery: {
        name = "CallSubquery";
        std::vector<std::string> cols;
        for (int s : op.subquery->out_slots) cols.push_back(q.slot_names[static_cast<std::size_t>(s)]);
        detail = fmt::format("for each row, the subquery below; its rows add {}", fmt::join(cols, ", "));
        out += fmt::format("{}{:>2}. {:<14}{}{}\n", pad, ++counter, name, detail, stats_text(profile, op));
        describe_plan(q, *op.plan, indent + 1, counter, out, profile);
        continue;
      }
      case OpKind::kProjection: {
        const Projection& p = *op.proj;
        std::vector<std::string> items, keys;
        for (const auto& i : p.items) {
          std::string s = i.aliased && i.alias != i.expr->text ? i.expr->text + " AS " + i.alias : i.expr->text;
          items.push_back(s);
          if (!has_aggregate(*i.expr)) keys.push_back(i.expr->text);
        }
        if (p.aggregating) {
          std::vector<std::string> aggs;
          for (const auto* a : p.aggregates) aggs.push_back(a->text);
          out += fmt::format("{}{:>2}. {:<14}{}\n", pad, ++counter, "Aggregate",
                             fmt::format("{}{}", keys.empty() ? "" : fmt::format("group by {}; ", fmt::join(keys, ", ")),
                                         fmt::join(aggs, ", ")));
        }
        name = p.is_return ? "Return" : "With";
        detail = fmt::format("{}{}", p.distinct ? "DISTINCT " : "", fmt::join(items, ", "));
        out += fmt::format("{}{:>2}. {:<14}{}{}\n", pad, ++counter, name, detail, stats_text(profile, op));
        if (!p.order.empty()) {
          std::vector<std::string> keys2;
          for (const auto& s : p.order) keys2.push_back(s.expr->text + (s.descending ? " DESC" : ""));
          out += fmt::format("{}{:>2}. {:<14}{}\n", pad, ++counter, "Sort", fmt::join(keys2, ", "));
        }
        if (p.skip) out += fmt::format("{}{:>2}. {:<14}{}\n", pad, ++counter, "Skip", p.skip->text);
        if (p.limit) out += fmt::format("{}{:>2}. {:<14}{}\n", pad, ++counter, "Limit", p.limit->text);
        if (p.where) out += fmt::format("{}{:>2}. {:<14}{}\n", pad, ++counter, "Filter", p.where->text);
        continue;
      }
    }
    out += fmt::format("{}{:>2}. {:<14}{}{}\n", pad, ++counter, name, detail, stats_text(profile, op));
    if (op.kind == OpKind::kOptional) describe(q, op.sub, indent + 1, counter, out, profile);
  }
}

void describe_plan(const Query& q, const Plan& plan, int indent, int& counter, std::string& out, const Profile* profile) {
  describe(q, plan.ops, indent, counter, out, profile);
  for (const auto& part : plan.unions) {
    std::string pad(static_cast<std::size_t>(indent) * 4, ' ');
    out += fmt::format("{}{:>2}. {:<14}{}\n", pad, ++counter, plan.union_all ? "UnionAll" : "Union",
                       plan.union_all ? "the rows of the part below too" : "the rows of the part below too, repeats dropped");
    describe(q, part.ops, indent, counter, out, profile);
  }
}

}  // namespace

// Whether a projection gives the same rows however many times each input row repeats: a
// DISTINCT without aggregates, or aggregates that are all DISTINCT, min or max.
bool ignores_repeats(const Projection& p) {
  if (!p.aggregating) return p.distinct;
  return std::all_of(p.aggregates.begin(), p.aggregates.end(), [](const Expr* a) {
    std::string name = a->name;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    return (a->distinct && !a->star) || name == "min" || name == "max";
  });
}

// Whether `e` reads the variable in `slot` only as the argument of count(x) or
// count(DISTINCT x), or as an operand of = or <> with another variable (`b <> a`), all of
// which need the node's identity and nothing of its record (values compare nodes by id).
bool counted_only(const Expr* e, int slot) {
  if (!e) return true;
  if (e->kind == ExprKind::kVar) return e->slot != slot;
  if (e->kind == ExprKind::kSubquery) {
    return std::find(e->outer_slots.begin(), e->outer_slots.end(), slot) == e->outer_slots.end();
  }
  if (e->kind == ExprKind::kBinary && (e->op == BinOp::kEq || e->op == BinOp::kNe) && e->args.size() == 2 &&
      e->args[0]->kind == ExprKind::kVar && e->args[1]->kind == ExprKind::kVar) {
    return true;
  }
  if (e->kind == ExprKind::kFunc && e->args.size() == 1 && e->args[0]->kind == ExprKind::kVar) {
    std::string name = e->name;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name == "count") return true;
  }
  return std::all_of(e->args.begin(), e->args.end(), [&](const ExprPtr& a) { return counted_only(a.get(), slot); });
}

bool counted_only(const Projection& p, int slot) {
  return std::all_of(p.items.begin(), p.items.end(), [&](const ReturnItem& i) { return counted_only(i.expr.get(), slot); }) &&
         std::all_of(p.order.begin(), p.order.end(), [&](const SortItem& i) { return counted_only(i.expr.get(), slot); }) &&
         counted_only(p.where.get(), slot) && counted_only(p.skip.get(), slot) && counted_only(p.limit.get(), slot);
}

// Whether a later op builds a path holding the relationship.
bool in_a_path(const std::vector<Op>& ops, std::size_t i) {
  for (std::size_t j = i + 1; j < ops.size(); ++j) {
    const Op& later = ops[j];
    if (later.path && std::any_of(later.path->rels.begin(), later.path->rels.end(),
                                  [&](const RelPattern& r) { return &r == ops[i].rel; })) {
      return true;
    }
  }
  return false;
}

// Whether the node an expansion reaches is only expanded from by later single hops, and
// in no path.
bool only_expanded_from(const std::vector<Op>& ops, std::size_t i) {
  const int slot = ops[i].to_slot;
  for (std::size_t j = i + 1; j < ops.size(); ++j) {
    const Op& later = ops[j];
    if (later.kind == OpKind::kOptional || later.kind == OpKind::kSubquery) return false;  // sub-plans are not looked into
    if (later.path && std::any_of(later.path->nodes.begin(), later.path->nodes.end(),
                                  [&](const NodePattern& n) { return &n == ops[i].node; })) {
      return false;
    }
    if (later.from_slot == slot && later.kind != OpKind::kExpand) return false;
    if (later.to_slot == slot) return false;
  }
  return true;
}

// Marks the variable-length expansions whose trails nobody reads (Op::distinct_ends), and
// among them those whose end nodes are only counted (Op::ends_by_id); and the single
// expansions whose relationship nobody reads (Op::rel_by_id).
void mark_distinct_ends(std::vector<Op>& ops) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    Op& op = ops[i];
    if (op.kind == OpKind::kExpand) {
      op.rel_by_id = op.rel->var.empty() && op.rel->props.empty() && !in_a_path(ops, i);
      op.node_by_id = op.rel_by_id && !op.to_bound && op.node->var.empty() && op.node->props.empty() &&
                      only_expanded_from(ops, i);
      continue;
    }
    if (op.kind != OpKind::kVarExpand || op.to_bound || !op.rel->var.empty() || !op.rel->props.empty() ||
        op.rel->min > 1) {
      continue;
    }
    bool ok = false;
    for (std::size_t j = i + 1; j < ops.size(); ++j) {
      const Op& later = ops[j];
      const bool reads_rel = std::find(later.unique_rels.begin(), later.unique_rels.end(), op.rel->slot) !=
                             later.unique_rels.end();
      const bool in_path = later.path && std::any_of(later.path->rels.begin(), later.path->rels.end(),
                                                     [&](const RelPattern& r) { return &r == op.rel; });
      if (reads_rel || in_path || later.kind == OpKind::kSubquery) break;
      if (later.kind == OpKind::kProjection) {
        ok = ignores_repeats(*later.proj);
        // Between the two, only filters that need no more of the end node than its id.
        const bool filters_by_id = std::all_of(ops.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                               ops.begin() + static_cast<std::ptrdiff_t>(j), [&](const Op& between) {
                                                 return between.kind == OpKind::kFilter &&
                                                        counted_only(between.filter, op.to_slot);
                                               });
        op.ends_by_id = ok && filters_by_id && op.node->labels.empty() && op.node->props.empty() &&
                        counted_only(*later.proj, op.to_slot);
        break;
      }
    }
    op.distinct_ends = ok;
  }
}

namespace {

Plan plan_query(const Query& body, const std::set<int>& outer);

// One part of a query: its clauses, from the variables bound before it.
Plan plan_part(const std::vector<Clause>& clauses, std::set<int> bound) {
  Plan plan;
  for (const auto& clause : clauses) {
    if (const auto* m = std::get_if<Match>(&clause)) {
      if (m->optional) {
        Op op;
        op.kind = OpKind::kOptional;
        std::set<int> before = bound;
        ClausePlanner(bound, op.sub).plan(*m);
        for (int s : bound) {
          if (!before.count(s)) op.nulls.push_back(s);
        }
        plan.ops.push_back(std::move(op));
      } else {
        ClausePlanner(bound, plan.ops).plan(*m);
      }
    } else if (const auto* c = std::get_if<Call>(&clause)) {
      Op op;
      op.kind = OpKind::kCall;
      op.call = c;
      plan.ops.push_back(op);
      for (const auto& y : c->yields) bound.insert(y.slot);
      if (c->where) {
        Op f;
        f.kind = OpKind::kFilter;
        f.filter = c->where.get();
        plan.ops.push_back(f);
      }
    } else if (const auto* u = std::get_if<Unwind>(&clause)) {
      Op op;
      op.kind = OpKind::kUnwind;
      op.unwind = u;
      plan.ops.push_back(op);
      bound.insert(u->slot);
    } else if (const auto* sq = std::get_if<CallSubquery>(&clause)) {
      Op op;
      op.kind = OpKind::kSubquery;
      op.subquery = sq;
      op.plan = std::make_shared<const Plan>(plan_query(*sq->body, bound));
      plan.ops.push_back(std::move(op));
      for (int s : sq->out_slots) bound.insert(s);
    } else {
      const auto& p = std::get<Projection>(clause);
      Op op;
      op.kind = OpKind::kProjection;
      op.proj = &p;
      plan.ops.push_back(op);
      bound.clear();
      for (const auto& i : p.items) bound.insert(i.slot);
      if (p.is_return) {
        for (const auto& i : p.items) {
          plan.columns.push_back(i.alias);
          plan.column_slots.push_back(i.slot);
        }
      }
    }
  }
  mark_distinct_ends(plan.ops);
  return plan;
}

Plan plan_query(const Query& body, const std::set<int>& outer) {
  Plan plan = plan_part(body.clauses, outer);
  for (const auto& u : body.unions) {
    Plan part = plan_part(u.clauses, outer);
    // Its columns in the first part's order (the binder checked they are the same names).
    std::vector<int> slots;
    for (const auto& name : plan.columns) {
      auto it = std::find(part.columns.begin(), part.columns.end(), name);
      slots.push_back(part.column_slots[static_cast<std::size_t>(it - part.columns.begin())]);
    }
    part.columns = plan.columns;
    part.column_slots = std::move(slots);
    plan.union_all = u.all;
    plan.unions.push_back(std::move(part));
  }
  return plan;
}

}  // namespace

Plan make_plan(std::shared_ptr<const Query> query) {
  const Query& q = *query;
  Plan plan = plan_query(q, {});
  for (const Expr* e : q.subqueries) {
    std::set<int> outer(e->outer_slots.begin(), e->outer_slots.end());
    plan.subqueries.emplace(e, std::make_shared<const Plan>(plan_query(*e->sub, outer)));
  }
  plan.query = std::move(query);
  return plan;
}

std::string explain(const Query& q, const Plan& plan, const Profile* profile) {
  std::string out;
  int counter = 0;
  describe_plan(q, plan, 0, counter, out, profile);
  for (const Expr* e : q.subqueries) {
    out += fmt::format("{:>2}. {:<14}{}  (line {}:{}: run for each row that evaluates it)\n", ++counter, "Subquery",
                       e->text, e->pos.line, e->pos.col);
    describe_plan(q, *plan.subqueries.at(e), 1, counter, out, profile);
  }
  if (q.as_of) {
    out += fmt::format("record time: AS OF {}{}: every node and relationship as the database stood after that commit\n",
                       q.as_of_commit ? "COMMIT " : "", q.as_of->text);
  }
  if (q.at_date) {
    out += fmt::format("valid time: AT DATE {}: every node and relationship matched holds on that date, at every hop\n",
                       q.at_date->text);
  }
  return out;
}

}  // namespace entente::ql::plan
