#include "query/exec/eval.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/error.h"
#include "common/text.h"

namespace entente::ql::exec {

std::string a_type(const Value& v) {
  std::string n = Value::type_name(v.type());
  bool vowel = n[0] == 'A' || n[0] == 'I' || n[0] == 'O' || n[0] == 'E' || n[0] == 'U';
  return (vowel ? "an " : "a ") + n;
}

using ast::BinOp;
using bound::Expr;
using ast::ExprKind;
using T = Value::Type;

void Context::step() {
  if (++steps > max_steps) {
    throw Error(ErrorKind::kLimit,
                fmt::format("query stopped: it looked at more than {} relationships or rows: narrow its patterns "
                            "(labels, keys, relationship types) or lower the upper bound of variable-length relationships",
                            max_steps));
  }
  budget.tick();
}

Budget query_budget(const QueryLimits& limits) {
  return Budget(limits, "query", "narrow the query", "add LIMIT, aggregate, narrow the patterns");
}

std::uint64_t approx_bytes(const Value& v) {
  constexpr std::uint64_t kShared = 16;  // a shared value's control block
  std::uint64_t n = sizeof(Value);
  switch (v.type()) {
    case T::kString: return n + v.as_string().capacity();
    case T::kList:
      n += kShared + sizeof(Value::List);
      for (const auto& e : v.as_list()) n += approx_bytes(e);
      return n;
    case T::kMap:
      n += kShared + sizeof(Value::Map);
      for (const auto& [k, e] : v.as_map()) n += sizeof(std::string) + k.capacity() + approx_bytes(e);
      return n;
    case T::kNode: {
      const Node& node = v.as_node();
      n += kShared + sizeof(Node) + node.key.capacity() + node.name.capacity() + 256;  // 256: the record's properties
      for (const auto& a : node.aliases) n += sizeof(std::string) + a.capacity();
      return n;
    }
    case T::kEdge: return n + kShared + sizeof(Edge) + v.as_edge().key.capacity() + 128;
    case T::kPath: {
      const Path& p = v.as_path();
      n += kShared + sizeof(Path) + p.nodes.size() * (sizeof(Node) + 256) + p.edges.size() * (sizeof(Edge) + 128);
      return n;
    }
    default: return n;
  }
}

std::uint64_t approx_bytes(const std::vector<Value>& row) {
  std::uint64_t n = sizeof(row);
  for (const auto& v : row) n += approx_bytes(v);
  return n;
}

void type_error(Pos pos, const std::string& why) { throw invalid("line {}:{}: type mismatch: {}", pos.line, pos.col, why); }

namespace {

int type_rank(T t) {
  // Cypher's order of types, ascending: maps, nodes, relationships, lists, paths, strings,
  // booleans, numbers; then dates; null last.
  switch (t) {
    case T::kMap: return 0;
    case T::kNode: return 1;
    case T::kEdge: return 2;
    case T::kList: return 3;
    case T::kPath: return 4;
    case T::kString: return 5;
    case T::kBool: return 6;
    case T::kInt:
    case T::kFloat: return 7;
    case T::kDate: return 8;
    case T::kNull: return 9;
  }
  return 10;
}

template <typename X>
int cmp3(const X& a, const X& b) {
  return a < b ? -1 : b < a ? 1 : 0;
}

int num_cmp(const Value& a, const Value& b) {
  if (a.type() == T::kInt && b.type() == T::kInt) return cmp3(a.as_int(), b.as_int());
  double x = a.as_number(), y = b.as_number();
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) ? (std::isnan(y) ? 0 : 1) : -1;
  return cmp3(x, y);
}

}  // namespace

int order(const Value& a, const Value& b) {
  int ra = type_rank(a.type()), rb = type_rank(b.type());
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type()) {
    case T::kNull: return 0;
    case T::kBool: return cmp3(a.as_bool(), b.as_bool());
    case T::kInt:
    case T::kFloat: return num_cmp(a, b);
    case T::kString: return cmp3(a.as_string(), b.as_string());
    case T::kDate: {
      auto c = a.as_date() <=> b.as_date();
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case T::kList: {
      const auto& x = a.as_list();
      const auto& y = b.as_list();
      for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = order(x[i], y[i])) return c;
      }
      return cmp3(x.size(), y.size());
    }
    case T::kMap: {
      const auto& x = a.as_map();
      const auto& y = b.as_map();
      for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (int c = cmp3(x[i].first, y[i].first)) return c;
        if (int c = order(x[i].second, y[i].second)) return c;
      }
      return cmp3(x.size(), y.size());
    }
    case T::kNode: return cmp3(a.as_node().id, b.as_node().id);
    case T::kEdge: return cmp3(a.as_edge().id, b.as_edge().id);
    case T::kPath: {
      const auto& x = a.as_path();
      const auto& y = b.as_path();
      if (int c = cmp3(x.edges.size(), y.edges.size())) return c;
      for (std::size_t i = 0; i < x.nodes.size() && i < y.nodes.size(); ++i) {
        if (int c = cmp3(x.nodes[i].id, y.nodes[i].id)) return c;
      }
      for (std::size_t i = 0; i < x.edges.size() && i < y.edges.size(); ++i) {
        if (int c = cmp3(x.edges[i].id, y.edges[i].id)) return c;
      }
      return 0;
    }
  }
  return 0;
}

bool RowLess::operator()(const std::vector<Value>& a, const std::vector<Value>& b) const {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (int c = order(a[i], b[i])) return c < 0;
  }
  return a.size() < b.size();
}

std::optional<bool> equals(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_number() && b.is_number()) return num_cmp(a, b) == 0;
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case T::kDate: return a.as_date().first_day() == b.as_date().first_day();
    case T::kList: {
      const auto& x = a.as_list();
      const auto& y = b.as_list();
      if (x.size() != y.size()) return false;
      bool unknown = false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        auto e = equals(x[i], y[i]);
        if (!e) {
          unknown = true;
        } else if (!*e) {
          return false;
        }
      }
      if (unknown) return std::nullopt;
      return true;
    }
    default: return a == b;
  }
}

std::optional<int> compare(const Value& a, const Value& b, Pos pos) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_number() && b.is_number()) {
    if ((a.type() == T::kFloat && std::isnan(a.as_float())) || (b.type() == T::kFloat && std::isnan(b.as_float()))) {
      return std::nullopt;
    }
    return num_cmp(a, b);
  }
  if (a.type() != b.type()) {
    std::string hint = (a.type() == T::kDate && b.type() == T::kString) || (a.type() == T::kString && b.type() == T::kDate)
                           ? " (write a date as date('2024-06-19'))"
                           : "";
    type_error(pos, fmt::format("cannot compare {} with {}{}", a_type(a), a_type(b), hint));
  }
  switch (a.type()) {
    case T::kString: return cmp3(a.as_string(), b.as_string());
    case T::kBool: return cmp3(a.as_bool(), b.as_bool());
    case T::kDate: return cmp3(a.as_date().first_day(), b.as_date().first_day());
    case T::kList: {
      const auto& x = a.as_list();
      const auto& y = b.as_list();
      for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        auto c = compare(x[i], y[i], pos);
        if (!c) return std::nullopt;
        if (*c) return c;
      }
      return cmp3(x.size(), y.size());
    }
    default: type_error(pos, fmt::format("{} values have no order", Value::type_name(a.type())));
  }
}

bool truthy(const Value& v, const Expr& where) {
  if (v.is_null()) return false;
  if (v.type() != T::kBool) type_error(where.pos, fmt::format("a condition must be a Boolean, got {}", a_type(v)));
  return v.as_bool();
}

namespace {

// A property read from the record as its type declares it: no JSON but for lists and
// structures.
Value stored_property(const Properties& props, std::string_view name) {
  auto or_null = [](const auto& v) { return v ? Value(*v) : Value(); };
  switch (props.kind(name)) {
    case PropertyKind::kNone: return Value();
    case PropertyKind::kBool: return or_null(props.boolean(name));
    case PropertyKind::kInteger: return or_null(props.integer(name));
    case PropertyKind::kNumber: return or_null(props.number(name));
    case PropertyKind::kText: return or_null(props.text(name));
    case PropertyKind::kDate: return or_null(props.date(name));
    case PropertyKind::kList:
    case PropertyKind::kStruct: break;
  }
  auto j = props.json(name);
  return j.is_null() ? Value() : Value::from_json(j);
}

}  // namespace

Value node_property(const Node& n, std::string_view name, const Schema&) {
  if (name == "key") return Value(n.key);
  if (name == "name") return n.name.empty() ? Value() : Value(n.name);
  if (name == "type") return Value(n.type);
  if (name == "id") return Value(static_cast<std::int64_t>(n.id));
  if (name == "aliases") {
    Value::List l;
    for (const auto& a : n.aliases) l.emplace_back(a);
    return Value(std::move(l));
  }
  return stored_property(n.props, name);
}

Value edge_property(const Edge& e, std::string_view name, const Schema&) {
  if (name == "type") return Value(e.type);
  if (name == "key") return e.key.empty() ? Value() : Value(e.key);
  if (name == "id") return Value(static_cast<std::int64_t>(e.id));
  return stored_property(e.props, name);
}

Value properties_of(const Value& v, const Context& ctx) {
  Value::Map m;
  if (v.type() == T::kNode || v.type() == T::kEdge) {
    const Properties& props = v.type() == T::kNode ? v.as_node().props : v.as_edge().props;
    for (const auto& name : props.names()) {
      m.emplace_back(name, v.type() == T::kNode ? node_property(v.as_node(), name, ctx.schema)
                                                : edge_property(v.as_edge(), name, ctx.schema));
    }
  } else if (v.type() == T::kMap) {
    m = v.as_map();
  }
  return Value(std::move(m));
}

std::optional<Date> date_arg(const Value& v, Pos pos, const char* what) {
  if (v.is_null()) return std::nullopt;
  if (v.type() == T::kDate) return v.as_date();
  if (v.type() == T::kString) {
    try {
      return Date::parse(v.as_string());
    } catch (const Error& e) {
      throw invalid("line {}:{}: {}: {}", pos.line, pos.col, what, e.what());
    }
  }
  type_error(pos, fmt::format("{} needs a Date, got {}", what, a_type(v)));
}

bool valid_on(const Value& x, const Date& d, const Reader& reader) {
  if (x.type() == T::kNode) return x.as_node().valid_at(d);
  const Edge& e = x.as_edge();
  if (e.valid) return e.valid->contains(d);
  for (NodeId end : {e.to, e.from}) {
    auto n = reader.node(end);
    if (n && n->in_force_only) return n->valid_at(d);
  }
  return true;
}

namespace {

Value add(const Value& a, const Value& b, Pos pos) {
  if (a.is_null() || b.is_null()) return Value();
  if (a.type() == T::kList || b.type() == T::kList) {
    Value::List out;
    if (a.type() == T::kList) {
      out = a.as_list();
    } else {
      out.push_back(a);
    }
    if (b.type() == T::kList) {
      out.insert(out.end(), b.as_list().begin(), b.as_list().end());
    } else {
      out.push_back(b);
    }
    return Value(std::move(out));
  }
  if (a.type() == T::kString || b.type() == T::kString) {
    for (const Value* v : {&a, &b}) {
      if (v->type() != T::kString && !v->is_number() && v->type() != T::kDate && v->type() != T::kBool) {
        type_error(pos, fmt::format("cannot add {} to a String", a_type(*v)));
      }
    }
    return Value(a.str() + b.str());
  }
  if (!a.is_number() || !b.is_number()) {
    type_error(pos, fmt::format("cannot add {} and {}", a_type(a), a_type(b)));
  }
  if (a.type() == T::kInt && b.type() == T::kInt) {
    std::int64_t r;
    if (__builtin_add_overflow(a.as_int(), b.as_int(), &r)) throw invalid("line {}:{}: integer overflow", pos.line, pos.col);
    return Value(r);
  }
  return Value(a.as_number() + b.as_number());
}

Value arith(BinOp op, const Value& a, const Value& b, Pos pos) {
  if (a.is_null() || b.is_null()) return Value();
  if (!a.is_number() || !b.is_number()) {
    type_error(pos, fmt::format("{} needs numbers, got {} and {}", ast::binop_text(op), a_type(a), a_type(b)));
  }
  if (op == BinOp::kPow) return Value(std::pow(a.as_number(), b.as_number()));
  if (a.type() == T::kInt && b.type() == T::kInt) {
    std::int64_t x = a.as_int(), y = b.as_int(), r = 0;
    bool overflow = false;
    switch (op) {
      case BinOp::kSub: overflow = __builtin_sub_overflow(x, y, &r); break;
      case BinOp::kMul: overflow = __builtin_mul_overflow(x, y, &r); break;
      case BinOp::kDiv:
      case BinOp::kMod:
        if (y == 0) throw invalid("line {}:{}: division by zero", pos.line, pos.col);
        if (x == INT64_MIN && y == -1) {
          overflow = op == BinOp::kDiv;
          r = 0;
        } else {
          r = op == BinOp::kDiv ? x / y : x % y;
        }
        break;
      default: break;
    }
    if (overflow) throw invalid("line {}:{}: integer overflow", pos.line, pos.col);
    return Value(r);
  }
  double x = a.as_number(), y = b.as_number();
  switch (op) {
    case BinOp::kSub: return Value(x - y);
    case BinOp::kMul: return Value(x * y);
    case BinOp::kDiv: return Value(x / y);
    case BinOp::kMod: return Value(std::fmod(x, y));
    default: return Value();
  }
}

std::optional<bool> as_logic(const Value& v, Pos pos, const char* op) {
  if (v.is_null()) return std::nullopt;
  if (v.type() != T::kBool) type_error(pos, fmt::format("{} needs Booleans, got {}", op, a_type(v)));
  return v.as_bool();
}

Value from_opt(std::optional<bool> b) { return b ? Value(*b) : Value(); }

Value binary(const Expr& e, const Row& row, Context& ctx) {
  switch (e.op) {
    case BinOp::kAnd: {
      auto l = as_logic(eval(*e.args[0], row, ctx), e.pos, "AND");
      if (l && !*l) return Value(false);
      auto r = as_logic(eval(*e.args[1], row, ctx), e.pos, "AND");
      if (r && !*r) return Value(false);
      if (!l || !r) return Value();
      return Value(true);
    }
    case BinOp::kOr: {
      auto l = as_logic(eval(*e.args[0], row, ctx), e.pos, "OR");
      if (l && *l) return Value(true);
      auto r = as_logic(eval(*e.args[1], row, ctx), e.pos, "OR");
      if (r && *r) return Value(true);
      if (!l || !r) return Value();
      return Value(false);
    }
    case BinOp::kXor: {
      auto l = as_logic(eval(*e.args[0], row, ctx), e.pos, "XOR");
      auto r = as_logic(eval(*e.args[1], row, ctx), e.pos, "XOR");
      if (!l || !r) return Value();
      return Value(*l != *r);
    }
    default: break;
  }
  Value a = eval(*e.args[0], row, ctx);
  Value b = eval(*e.args[1], row, ctx);
  switch (e.op) {
    case BinOp::kEq: return from_opt(equals(a, b));
    case BinOp::kNe: {
      auto r = equals(a, b);
      return r ? Value(!*r) : Value();
    }
    case BinOp::kLt:
    case BinOp::kLe:
    case BinOp::kGt:
    case BinOp::kGe: {
      auto c = compare(a, b, e.pos);
      if (!c) return Value();
      switch (e.op) {
        case BinOp::kLt: return Value(*c < 0);
        case BinOp::kLe: return Value(*c <= 0);
        case BinOp::kGt: return Value(*c > 0);
        default: return Value(*c >= 0);
      }
    }
    case BinOp::kIn: {
      if (b.is_null()) return Value();
      if (b.type() != T::kList) type_error(e.pos, fmt::format("IN needs a list on the right, got {}", a_type(b)));
      bool unknown = false;
      for (const auto& x : b.as_list()) {
        auto r = equals(a, x);
        if (r && *r) return Value(true);
        if (!r) unknown = true;
      }
      return unknown ? Value() : Value(false);
    }
    case BinOp::kStartsWith:
    case BinOp::kEndsWith:
    case BinOp::kContains: {
      if (a.is_null() || b.is_null()) return Value();
      if (a.type() != T::kString || b.type() != T::kString) {
        type_error(e.pos, fmt::format("{} needs Strings, got {} and {}", ast::binop_text(e.op), a_type(a), a_type(b)));
      }
      const std::string& s = a.as_string();
      const std::string& t = b.as_string();
      if (e.op == BinOp::kStartsWith) return Value(s.rfind(t, 0) == 0);
      if (e.op == BinOp::kEndsWith) return Value(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
      return Value(s.find(t) != std::string::npos);
    }
    case BinOp::kAdd: return add(a, b, e.pos);
    default: return arith(e.op, a, b, e.pos);
  }
}

Value property(const Expr& e, const Value& obj, Context& ctx) {
  switch (obj.type()) {
    case T::kNull: return Value();
    case T::kNode: return node_property(obj.as_node(), e.name, ctx.schema);
    case T::kEdge: return edge_property(obj.as_edge(), e.name, ctx.schema);
    case T::kMap:
      for (const auto& [k, v] : obj.as_map()) {
        if (k == e.name) return v;
      }
      return Value();
    case T::kDate: {
      const Date& d = obj.as_date();
      int x = e.name == "year" ? d.year() : e.name == "month" ? d.month() : e.name == "day" ? d.day() : -1;
      if (x < 0) type_error(e.name_pos, fmt::format("a Date has no field '{}' (it has year, month and day)", e.name));
      return x == 0 ? Value() : Value(x);
    }
    default: type_error(e.name_pos, fmt::format("cannot read property '{}' of {}", e.name, a_type(obj)));
  }
}


const Value::List& list_arg(const Value& v, const Expr& at, const char* what) {
  if (v.type() != T::kList) type_error(at.pos, fmt::format("{} needs a list, got {}", what, a_type(v)));
  return v.as_list();
}

Value case_expr(const Expr& e, const Row& row, Context& ctx) {
  std::size_t i = 0;
  Value subject;
  if (e.has_subject) subject = eval(*e.args[i++], row, ctx);
  const std::size_t whens_end = e.args.size() - (e.has_else ? 1 : 0);
  for (; i + 1 < whens_end; i += 2) {
    Value w = eval(*e.args[i], row, ctx);
    bool hit = false;
    if (e.has_subject) {
      auto eq = equals(subject, w);
      hit = eq && *eq;
    } else if (!w.is_null()) {
      if (w.type() != T::kBool) type_error(e.args[i]->pos, fmt::format("WHEN needs a Boolean, got {}", a_type(w)));
      hit = w.as_bool();
    }
    if (hit) return eval(*e.args[i + 1], row, ctx);
  }
  return e.has_else ? eval(*e.args.back(), row, ctx) : Value();
}

// [x IN list WHERE pred | expr], and the quantifiers all/any/none/single.
Value comprehension(const Expr& e, const Row& row, Context& ctx) {
  Value list = eval(*e.args[0], row, ctx);
  if (list.is_null()) return Value();
  const auto& items = list_arg(list, *e.args[0], e.kind == ExprKind::kListComp ? "a list comprehension" : ast::quant_text(e.quant));
  Row local = row;
  const auto slot = static_cast<std::size_t>(e.local);
  Value::List out;
  std::int64_t trues = 0, nulls = 0, falses = 0;
  for (const auto& x : items) {
    ctx.step();
    local[slot] = x;
    std::optional<bool> keep = true;
    if (e.has_where) {
      Value c = eval(*e.args[1], local, ctx);
      if (c.is_null()) {
        keep = std::nullopt;
      } else {
        if (c.type() != T::kBool) type_error(e.args[1]->pos, fmt::format("WHERE needs a Boolean, got {}", a_type(c)));
        keep = c.as_bool();
      }
    }
    if (e.kind == ExprKind::kListComp) {
      if (keep && *keep) out.push_back(e.has_map ? eval(*e.args.back(), local, ctx) : x);
      continue;
    }
    if (!keep) {
      ++nulls;
    } else if (*keep) {
      ++trues;
    } else {
      ++falses;
    }
    if (e.quant == ast::Quant::kAll && falses > 0) return Value(false);
    if (e.quant == ast::Quant::kAny && trues > 0) return Value(true);
    if (e.quant == ast::Quant::kNone && trues > 0) return Value(false);
    if (e.quant == ast::Quant::kSingle && trues > 1) return Value(false);
  }
  if (e.kind == ExprKind::kListComp) return Value(std::move(out));
  switch (e.quant) {
    case ast::Quant::kAll: return nulls > 0 ? Value() : Value(true);
    case ast::Quant::kAny:
    case ast::Quant::kNone:
      if (nulls > 0) return Value();
      return Value(e.quant == ast::Quant::kNone);
    case ast::Quant::kSingle:
      if (nulls > 0) return Value();
      return Value(trues == 1);
  }
  return Value();
}

Value reduce(const Expr& e, const Row& row, Context& ctx) {
  Value acc = eval(*e.args[0], row, ctx);
  Value list = eval(*e.args[1], row, ctx);
  if (list.is_null()) return Value();
  const auto& items = list_arg(list, *e.args[1], "reduce()");
  Row local = row;
  for (const auto& x : items) {
    ctx.step();
    local[static_cast<std::size_t>(e.local2)] = std::move(acc);
    local[static_cast<std::size_t>(e.local)] = x;
    acc = eval(*e.args[2], local, ctx);
  }
  return acc;
}

Value map_projection(const Expr& e, const Row& row, Context& ctx) {
  Value subject = eval(*e.args[0], row, ctx);
  if (subject.is_null()) return Value();
  if (subject.type() != T::kNode && subject.type() != T::kEdge && subject.type() != T::kMap) {
    type_error(e.pos, fmt::format("a map projection needs a node, relationship or map, got {}", a_type(subject)));
  }
  Value::Map m;
  if (e.star) m = properties_of(subject, ctx).as_map();
  for (std::size_t i = 1; i < e.args.size(); ++i) {
    Value v = eval(*e.args[i], row, ctx);
    const std::string& key = e.keys[i - 1];
    auto it = std::find_if(m.begin(), m.end(), [&](const auto& kv) { return kv.first == key; });
    if (it != m.end()) {
      it->second = std::move(v);
    } else {
      m.emplace_back(key, std::move(v));
    }
  }
  return Value(std::move(m));
}

Value slice(const Expr& e, const Row& row, Context& ctx) {
  Value list = eval(*e.args[0], row, ctx);
  std::size_t i = 1;
  Value from = e.has_from ? eval(*e.args[i++], row, ctx) : Value(std::int64_t{0});
  Value to = e.has_to ? eval(*e.args[i], row, ctx) : Value();
  if (list.is_null() || from.is_null() || (e.has_to && to.is_null())) return Value();
  const auto& items = list_arg(list, e, "a slice [from..to]");
  const auto n = static_cast<std::int64_t>(items.size());
  auto bound = [&](const Value& v, std::size_t arg) {
    if (v.type() != T::kInt) type_error(e.args[arg]->pos, fmt::format("a slice's bounds must be Integers, got {}", a_type(v)));
    std::int64_t b = v.as_int();
    if (b < 0) b = std::max<std::int64_t>(0, n + b);
    return std::min(b, n);
  };
  std::int64_t a = e.has_from ? bound(from, 1) : 0;
  std::int64_t b = e.has_to ? bound(to, e.has_from ? 2 : 1) : n;
  if (b <= a) return Value(Value::List{});
  return Value(Value::List(items.begin() + a, items.begin() + b));
}

Value subquery(const Expr& e, const Row& row, Context& ctx) {
  if (!ctx.subquery) throw invalid("line {}:{}: a subquery cannot run here", e.pos.line, e.pos.col);
  switch (e.sub_kind) {
    case ast::SubKind::kExists: {
      bool found = false;
      ctx.subquery(e, row, [&](const std::vector<Value>&) {
        found = true;
        return false;
      });
      return Value(found);
    }
    case ast::SubKind::kCount: {
      std::int64_t n = 0;
      ctx.subquery(e, row, [&](const std::vector<Value>&) {
        ++n;
        return true;
      });
      return Value(n);
    }
    case ast::SubKind::kCollect: {
      Value::List out;
      ctx.subquery(e, row, [&](const std::vector<Value>& columns) {
        out.push_back(columns.at(0));
        return true;
      });
      return Value(std::move(out));
    }
  }
  return Value();
}

}  // namespace

// Long: one case per kind of expression, each a few lines that hand over to the function
// that evaluates it; split, the dispatch would be harder to read, not easier.
Value eval(const Expr& e, const Row& row, Context& ctx) {
  switch (e.kind) {
    case ExprKind::kLiteral: return e.value;
    case ExprKind::kParam: return (*ctx.params)[static_cast<std::size_t>(e.slot)];
    case ExprKind::kVar: return row[static_cast<std::size_t>(e.slot)];
    case ExprKind::kProp: return property(e, eval(*e.args[0], row, ctx), ctx);
    case ExprKind::kIndex: {
      Value obj = eval(*e.args[0], row, ctx);
      Value idx = eval(*e.args[1], row, ctx);
      if (obj.is_null() || idx.is_null()) return Value();
      if (obj.type() == T::kList) {
        if (idx.type() != T::kInt) type_error(e.args[1]->pos, fmt::format("a list index must be an Integer, got {}", a_type(idx)));
        const auto& l = obj.as_list();
        std::int64_t i = idx.as_int();
        auto n = static_cast<std::int64_t>(l.size());
        if (i < 0) i += n;
        if (i < 0 || i >= n) return Value();
        return l[static_cast<std::size_t>(i)];
      }
      if (obj.type() == T::kMap || obj.type() == T::kNode || obj.type() == T::kEdge) {
        if (idx.type() != T::kString) type_error(e.args[1]->pos, fmt::format("a key must be a String, got {}", a_type(idx)));
        Expr prop;
        prop.pos = e.pos;
        prop.name_pos = e.args[1]->pos;
        prop.name = idx.as_string();
        return property(prop, obj, ctx);
      }
      type_error(e.pos, fmt::format("cannot index {}", a_type(obj)));
    }
    case ExprKind::kList: {
      Value::List l;
      l.reserve(e.args.size());
      for (const auto& a : e.args) l.push_back(eval(*a, row, ctx));
      return Value(std::move(l));
    }
    case ExprKind::kMap: {
      Value::Map m;
      for (std::size_t i = 0; i < e.args.size(); ++i) m.emplace_back(e.keys[i], eval(*e.args[i], row, ctx));
      return Value(std::move(m));
    }
    case ExprKind::kNot: {
      auto v = as_logic(eval(*e.args[0], row, ctx), e.pos, "NOT");
      return v ? Value(!*v) : Value();
    }
    case ExprKind::kNeg: {
      Value v = eval(*e.args[0], row, ctx);
      if (v.is_null()) return v;
      if (v.type() == T::kInt) {
        if (v.as_int() == INT64_MIN) throw invalid("line {}:{}: integer overflow", e.pos.line, e.pos.col);
        return Value(-v.as_int());
      }
      if (v.type() == T::kFloat) return Value(-v.as_float());
      type_error(e.pos, fmt::format("cannot negate {}", a_type(v)));
    }
    case ExprKind::kIsNull: {
      bool null = eval(*e.args[0], row, ctx).is_null();
      return Value(e.negated ? !null : null);
    }
    case ExprKind::kBinary: return binary(e, row, ctx);
    case ExprKind::kFunc: {
      if (e.agg >= 0) {
        if (!ctx.aggregates) throw invalid("line {}:{}: aggregate {}() used outside a projection", e.pos.line, e.pos.col, e.name);
        return (*ctx.aggregates)[static_cast<std::size_t>(e.agg)];
      }
      std::vector<Value> args;
      args.reserve(e.args.size());
      for (const auto& a : e.args) args.push_back(eval(*a, row, ctx));
      return call_function(e, args, ctx);
    }
    case ExprKind::kCase: return case_expr(e, row, ctx);
    case ExprKind::kListComp:
    case ExprKind::kQuantifier: return comprehension(e, row, ctx);
    case ExprKind::kReduce: return reduce(e, row, ctx);
    case ExprKind::kMapProj: return map_projection(e, row, ctx);
    case ExprKind::kSlice: return slice(e, row, ctx);
    case ExprKind::kSubquery: return subquery(e, row, ctx);
    case ExprKind::kHasLabel: {
      Value v = eval(*e.args[0], row, ctx);
      if (v.is_null()) return Value();
      const std::string* type = v.type() == T::kNode ? &v.as_node().type : v.type() == T::kEdge ? &v.as_edge().type : nullptr;
      if (!type) type_error(e.pos, fmt::format("a label test needs a node or relationship, got {}", a_type(v)));
      return Value(std::find(e.keys.begin(), e.keys.end(), *type) != e.keys.end());
    }
  }
  return Value();
}

}  // namespace entente::ql::exec
