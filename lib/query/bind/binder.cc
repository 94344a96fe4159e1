#include "query/bind/binder.h"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "common/error.h"
#include "common/text.h"
#include "query/bind/signatures.h"

namespace entente::ql {

using namespace bound;

namespace {

struct Var {
  std::string name;
  int slot = -1;
  SType kind = SType::kAny;
  std::vector<std::string> labels;  // node types, or relationship types
};

SType stype_of(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return SType::kNull;
    case Value::Type::kBool: return SType::kBool;
    case Value::Type::kInt: return SType::kInt;
    case Value::Type::kFloat: return SType::kFloat;
    case Value::Type::kString: return SType::kString;
    case Value::Type::kDate: return SType::kDate;
    case Value::Type::kList: return SType::kList;
    case Value::Type::kMap: return SType::kMap;
    case Value::Type::kNode: return SType::kNode;
    case Value::Type::kEdge: return SType::kEdge;
    case Value::Type::kPath: return SType::kPath;
  }
  return SType::kAny;
}

bool unknown(SType t) { return t == SType::kAny || t == SType::kNull; }
bool numeric(SType t) { return t == SType::kInt || t == SType::kFloat; }
// Whether values of the two types can be equal.
bool comparable(SType a, SType b) { return unknown(a) || unknown(b) || a == b || (numeric(a) && numeric(b)); }
bool orderable(SType t) {
  return unknown(t) || numeric(t) || t == SType::kString || t == SType::kDate || t == SType::kBool || t == SType::kList;
}

// How a type is spoken of in messages: "a Date", "an Integer".
std::string a_type(SType t) {
  std::string n = stype_name(t);
  bool vowel = n[0] == 'A' || n[0] == 'I' || n[0] == 'O' || n[0] == 'E' || n[0] == 'U';
  return (vowel ? "an " : "a ") + n;
}

class Binder {
 public:
  Binder(Query& q, const Schema& s, const Params* p) : q_(q), s_(s), params_(p) {}

  void run() {
    bind_query(q_, {}, true);
    if (q_.at_date) {
      std::vector<Var> none;
      std::swap(scope_, none);
      SType t = expr(*q_.at_date, Agg::kNo, "AT DATE");
      std::swap(scope_, none);
      if (!unknown(t) && t != SType::kDate && t != SType::kString) {
        fail(q_.at_date->pos, fmt::format("type mismatch: AT DATE needs a Date, got {}", a_type(t)));
      }
    }
    if (q_.as_of) {
      std::vector<Var> none;
      std::swap(scope_, none);
      SType t = expr(*q_.as_of, Agg::kNo, "AS OF");
      std::swap(scope_, none);
      const SType want = q_.as_of_commit ? SType::kInt : SType::kString;
      if (!unknown(t) && t != want) {
        fail(q_.as_of->pos, q_.as_of_commit
                                ? fmt::format("type mismatch: AS OF COMMIT needs a commit number, got {}", a_type(t))
                                : fmt::format("type mismatch: AS OF needs a time, datetime('2026-12-08T10:30:00Z'), "
                                              "got {}",
                                              a_type(t)));
      }
    }
  }

 private:
  enum class Agg { kNo, kYes, kInside };

  [[noreturn]] void fail(Pos p, const std::string& why) const { throw invalid("line {}:{}: {}", p.line, p.col, why); }

  int new_slot(const std::string& name) {
    q_.slot_names.push_back(name);
    return q_.slots++;
  }
  const Var* lookup(std::string_view name) const {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->name == name) return &*it;
    }
    return nullptr;
  }
  // A variable read: the subqueries being bound that it is outer to read it.
  void note_use(int slot) {
    for (auto& f : frames_) {
      if (std::find(f.outer.begin(), f.outer.end(), slot) != f.outer.end() &&
          std::find(f.used->begin(), f.used->end(), slot) == f.used->end()) {
        f.used->push_back(slot);
      }
    }
  }
  std::vector<std::string> visible_names() const {
    std::vector<std::string> out;
    for (const auto& v : scope_) out.push_back(v.name);
    return out;
  }
  Var& define(const std::string& name, Pos pos, SType kind, std::vector<std::string> labels = {}) {
    if (lookup(name)) fail(pos, fmt::format("variable '{}' is already defined", name));
    scope_.push_back({name, new_slot(name), kind, std::move(labels)});
    return scope_.back();
  }

  // ---- names of the catalog
  void check_label(const std::string& label, Pos pos) const {
    if (s_.node_type(label)) return;
    if (s_.edge_type(label)) fail(pos, fmt::format("'{}' is a relationship type, not a node label", label));
    fail(pos, fmt::format("unknown label '{}'{}", label, text::did_you_mean(label, s_.node_type_names())));
  }
  void check_rel_type(const std::string& type, Pos pos) const {
    if (s_.edge_type(type)) return;
    if (s_.node_type(type)) fail(pos, fmt::format("'{}' is a node label, not a relationship type", type));
    fail(pos, fmt::format("unknown relationship type '{}'{}", type, text::did_you_mean(type, s_.edge_type_names())));
  }

  // The type of property `prop` of a node (edge) of one of `labels` (empty: any type).
  SType property_type(bool edge, const std::vector<std::string>& labels, const std::string& prop, Pos pos,
                      const std::string& var) const {
    if (edge ? is_edge_field(prop) : is_node_field(prop)) return edge ? edge_field_type(prop) : node_field_type(prop);
    std::vector<std::string> candidates;
    for (const char* f : edge ? std::vector<const char*>{"type", "key", "id"}
                              : std::vector<const char*>{"key", "name", "type", "aliases", "id"}) {
      candidates.push_back(f);
    }
    if (labels.empty()) {
      if (edge ? s_.any_edge_property(prop) : s_.any_node_property(prop)) {
        // The type, if every type having the property agrees.
        std::optional<SType> t;
        for (const auto& name : edge ? s_.edge_type_names() : s_.node_type_names()) {
          if (const auto* p = s_.property(name, prop)) {
            SType pt = Schema::value_type(*p);
            if (t && *t != pt) return SType::kAny;
            t = pt;
          }
        }
        return t.value_or(SType::kAny);
      }
      const auto& all = edge ? s_.edge_property_names() : s_.node_property_names();
      candidates.insert(candidates.end(), all.begin(), all.end());
      fail(pos, fmt::format("unknown property '{}': no {} type has it{}", prop, edge ? "relationship" : "node",
                            text::did_you_mean(prop, candidates)));
    }
    std::optional<SType> t;
    for (const auto& label : labels) {
      if (const auto* p = s_.property(label, prop)) {
        SType pt = Schema::value_type(*p);
        t = (!t || *t == pt) ? pt : SType::kAny;
      }
      if (const auto* info = edge ? s_.edge_type(label) : s_.node_type(label)) {
        for (const auto& p : info->properties) candidates.push_back(p.name);
      }
    }
    if (t) return *t;
    std::string of = labels.size() == 1 ? labels[0] : fmt::format("{}", fmt::join(labels, "|"));
    fail(pos, fmt::format("unknown property '{}' of {}{}{}", prop, of, var.empty() ? "" : fmt::format(" (variable '{}')", var),
                          text::did_you_mean(prop, candidates)));
  }

  // ---- expressions
  SType expr(Expr& e, Agg agg, const char* where) {
    e.type = expr_type(e, agg, where);
    return e.type;
  }

  SType expr_type(Expr& e, Agg agg, const char* where) {
    switch (e.kind) {
      case ExprKind::kLiteral: return stype_of(e.value);
      case ExprKind::kParam: {
        // The parameter's index among the query's; its value comes when the query runs.
        auto at = std::find(q_.params.begin(), q_.params.end(), e.name);
        if (at == q_.params.end()) {
          q_.params.push_back(e.name);
          q_.param_pos.push_back(e.pos);
          at = q_.params.end() - 1;
        }
        e.slot = static_cast<int>(at - q_.params.begin());
        if (!params_) return SType::kAny;  // prepared: checked when it runs
        auto it = params_->find(e.name);
        if (it == params_->end()) missing_parameter(e.name, e.pos, *params_);
        return stype_of(it->second);
      }
      case ExprKind::kVar: {
        const Var* v = lookup(e.name);
        if (!v) {
          for (const auto& [name, why] : gone_) {
            if (name == e.name) fail(e.pos, fmt::format("variable '{}' is not in scope here: {}", e.name, why));
          }
          fail(e.pos, fmt::format("unknown variable '{}'{}", e.name, text::did_you_mean(e.name, visible_names())));
        }
        e.slot = v->slot;
        e.labels = v->labels;
        note_use(v->slot);
        return v->kind;
      }
      case ExprKind::kProp: {
        SType obj = expr(*e.args[0], agg, where);
        const Expr& o = *e.args[0];
        std::string var = o.kind == ExprKind::kVar ? o.name : "";
        switch (obj) {
          case SType::kNode: return property_type(false, o.labels, e.name, e.name_pos, var);
          case SType::kEdge: return property_type(true, o.labels, e.name, e.name_pos, var);
          case SType::kDate:
            if (e.name == "year" || e.name == "month" || e.name == "day") return SType::kInt;
            fail(e.name_pos, fmt::format("a Date has no field '{}' (it has year, month and day)", e.name));
          case SType::kAny:
          case SType::kMap:
          case SType::kNull: return SType::kAny;
          case SType::kList:
            if (o.kind == ExprKind::kVar && !o.labels.empty()) {
              fail(e.pos, fmt::format("type mismatch: '{}' is a variable-length relationship, a list of relationships; "
                                      "read one with {}[0].{}",
                                      o.name, o.name, e.name));
            }
            [[fallthrough]];
          default:
            fail(e.pos, fmt::format("type mismatch: cannot read property '{}' of {}", e.name, a_type(obj)));
        }
      }
      case ExprKind::kIndex: {
        SType obj = expr(*e.args[0], agg, where);
        SType idx = expr(*e.args[1], agg, where);
        if (obj == SType::kList && !unknown(idx) && idx != SType::kInt) {
          fail(e.args[1]->pos, fmt::format("type mismatch: a list index must be an Integer, got {}", a_type(idx)));
        }
        if (obj == SType::kMap && !unknown(idx) && idx != SType::kString) {
          fail(e.args[1]->pos, fmt::format("type mismatch: a map key must be a String, got {}", a_type(idx)));
        }
        if (!unknown(obj) && obj != SType::kList && obj != SType::kMap && obj != SType::kNode && obj != SType::kEdge) {
          fail(e.pos, fmt::format("type mismatch: cannot index {}", a_type(obj)));
        }
        return SType::kAny;
      }
      case ExprKind::kList:
        for (auto& a : e.args) expr(*a, agg, where);
        return SType::kList;
      case ExprKind::kMap:
        for (auto& a : e.args) expr(*a, agg, where);
        return SType::kMap;
      case ExprKind::kNot: {
        SType t = expr(*e.args[0], agg, where);
        if (!unknown(t) && t != SType::kBool) {
          fail(e.args[0]->pos, fmt::format("type mismatch: NOT needs a Boolean, got {}", a_type(t)));
        }
        return SType::kBool;
      }
      case ExprKind::kNeg: {
        SType t = expr(*e.args[0], agg, where);
        if (!unknown(t) && !numeric(t)) fail(e.pos, fmt::format("type mismatch: cannot negate {}", a_type(t)));
        // A negated integer literal stays a literal.
        if (e.args[0]->kind == ExprKind::kLiteral && t == SType::kInt) {
          e.kind = ExprKind::kLiteral;
          e.value = Value(-e.args[0]->value.as_int());
          e.args.clear();
          return SType::kInt;
        }
        return t;
      }
      case ExprKind::kIsNull:
        expr(*e.args[0], agg, where);
        return SType::kBool;
      case ExprKind::kBinary: return binary(e, agg, where);
      case ExprKind::kFunc: return function(e, agg, where);
      case ExprKind::kCase: {
        std::size_t i = 0;
        SType subject = SType::kAny;
        if (e.has_subject) subject = expr(*e.args[i++], agg, where);
        std::optional<SType> result;
        auto add_result = [&](SType t) {
          if (t == SType::kNull) return;
          result = (!result || *result == t) ? t : SType::kAny;
        };
        std::size_t whens_end = e.args.size() - (e.has_else ? 1 : 0);
        for (; i + 1 < whens_end; i += 2) {
          SType w = expr(*e.args[i], agg, where);
          if (e.has_subject) {
            if (!comparable(subject, w)) {
              fail(e.args[i]->pos, fmt::format("type mismatch: CASE compares {} with {}", a_type(subject), a_type(w)));
            }
          } else if (!unknown(w) && w != SType::kBool) {
            fail(e.args[i]->pos, fmt::format("type mismatch: WHEN needs a Boolean, got {}", a_type(w)));
          }
          add_result(expr(*e.args[i + 1], agg, where));
        }
        if (e.has_else) {
          add_result(expr(*e.args.back(), agg, where));
        } else {
          return result && *result != SType::kAny ? *result : SType::kAny;
        }
        return result.value_or(SType::kNull);
      }
      case ExprKind::kListComp:
      case ExprKind::kQuantifier: {
        SType list = expr(*e.args[0], agg, where);
        if (!unknown(list) && list != SType::kList) {
          fail(e.args[0]->pos, fmt::format("type mismatch: {} needs a list after IN, got {}",
                                           e.kind == ExprKind::kListComp ? "a list comprehension" : quant_text(e.quant),
                                           a_type(list)));
        }
        Local local(*this, e.var, element_of(*e.args[0]), e.local);
        std::size_t i = 1;
        if (e.has_where) this->where(*e.args[i++], "WHERE");
        if (e.has_map) expr(*e.args[i], agg, where);
        return e.kind == ExprKind::kListComp ? SType::kList : SType::kBool;
      }
      case ExprKind::kReduce: {
        SType init = expr(*e.args[0], agg, where);
        SType list = expr(*e.args[1], agg, where);
        if (!unknown(list) && list != SType::kList) {
          fail(e.args[1]->pos, fmt::format("type mismatch: reduce() needs a list after IN, got {}", a_type(list)));
        }
        Local acc(*this, e.name, Var{e.name, -1, SType::kAny, {}}, e.local2);
        Local elem(*this, e.var, element_of(*e.args[1]), e.local);
        SType step = expr(*e.args[2], agg, where);
        return init == step ? init : SType::kAny;
      }
      case ExprKind::kMapProj: {
        SType t = expr(*e.args[0], agg, where);
        if (!unknown(t) && t != SType::kNode && t != SType::kEdge && t != SType::kMap) {
          fail(e.pos, fmt::format("type mismatch: a map projection needs a node, relationship or map, got {}", a_type(t)));
        }
        for (std::size_t i = 1; i < e.args.size(); ++i) expr(*e.args[i], agg, where);
        return SType::kMap;
      }
      case ExprKind::kSlice: {
        SType list = expr(*e.args[0], agg, where);
        if (!unknown(list) && list != SType::kList) {
          fail(e.pos, fmt::format("type mismatch: a slice [from..to] needs a list, got {}", a_type(list)));
        }
        for (std::size_t i = 1; i < e.args.size(); ++i) {
          SType b = expr(*e.args[i], agg, where);
          if (!unknown(b) && b != SType::kInt) {
            fail(e.args[i]->pos, fmt::format("type mismatch: a slice's bounds must be Integers, got {}", a_type(b)));
          }
        }
        return SType::kList;
      }
      case ExprKind::kSubquery: return subquery(e);
      case ExprKind::kHasLabel: {
        SType t = expr(*e.args[0], agg, where);
        for (const auto& label : e.keys) {
          if (t == SType::kNode) {
            check_label(label, e.name_pos);
          } else if (t == SType::kEdge) {
            check_rel_type(label, e.name_pos);
          } else if (!s_.node_type(label) && !s_.edge_type(label)) {
            check_label(label, e.name_pos);  // neither: the error names the nearest label
          }
        }
        if (!unknown(t) && t != SType::kNode && t != SType::kEdge) {
          fail(e.pos, fmt::format("type mismatch: a label test needs a node or relationship, got {}", a_type(t)));
        }
        return SType::kBool;
      }
    }
    return SType::kAny;
  }

  // The element of a list: a relationship of a variable-length relationship's list.
  static Var element_of(const Expr& list) {
    Var v;
    if (list.kind == ExprKind::kVar && list.type == SType::kList && !list.labels.empty()) {
      v.kind = SType::kEdge;
      v.labels = list.labels;
    }
    return v;
  }

  // A comprehension's variable, in scope while its parts are bound (it may shadow another).
  struct Local {
    Binder& b;
    Local(Binder& binder, const std::string& name, Var v, int& slot) : b(binder) {
      v.name = name;
      v.slot = b.new_slot(name);
      slot = v.slot;
      b.scope_.push_back(std::move(v));
    }
    ~Local() { b.scope_.pop_back(); }
    Local(const Local&) = delete;
    Local& operator=(const Local&) = delete;
  };

  // EXISTS { }, COUNT { }, COLLECT { }: the body sees every variable in scope; the slots of
  // those it reads are noted, so that the planner places it after they are bound.
  SType subquery(Expr& e) {
    std::vector<int> outer;
    for (const auto& v : scope_) outer.push_back(v.slot);
    frames_.push_back({std::move(outer), &e.outer_slots});
    std::vector<Var> returned;
    try {
      returned = bind_query(*e.sub, scope_, false);
    } catch (...) {
      frames_.pop_back();
      throw;
    }
    frames_.pop_back();  // note_use noted each outer read in the frames around it too
    q_.subqueries.push_back(&e);
    switch (e.sub_kind) {
      case SubKind::kExists: return SType::kBool;
      case SubKind::kCount: return SType::kInt;
      case SubKind::kCollect:
        if (returned.size() != 1) {
          fail(e.pos, fmt::format("COLLECT {{ }} must return one column, got {}", returned.size()));
        }
        return SType::kList;
    }
    return SType::kAny;
  }

  SType binary(Expr& e, Agg agg, const char* where) {
    SType l = expr(*e.args[0], agg, where);
    SType r = expr(*e.args[1], agg, where);
    const char* op = binop_text(e.op);
    auto mismatch = [&](const std::string& why) { fail(e.pos, "type mismatch: " + why); };
    auto date_hint = [&]() -> std::string {
      if ((l == SType::kDate && r == SType::kString) || (l == SType::kString && r == SType::kDate)) {
        return " (write a date as date('2024-06-19'))";
      }
      return "";
    };
    switch (e.op) {
      case BinOp::kOr:
      case BinOp::kXor:
      case BinOp::kAnd:
        if (!unknown(l) && l != SType::kBool) mismatch(fmt::format("{} needs Booleans, got {} on the left", op, a_type(l)));
        if (!unknown(r) && r != SType::kBool) mismatch(fmt::format("{} needs Booleans, got {} on the right", op, a_type(r)));
        return SType::kBool;
      case BinOp::kEq:
      case BinOp::kNe:
        if (!comparable(l, r)) {
          mismatch(fmt::format("cannot compare {} with {} using {}{}", a_type(l), a_type(r), op, date_hint()));
        }
        return SType::kBool;
      case BinOp::kLt:
      case BinOp::kLe:
      case BinOp::kGt:
      case BinOp::kGe:
        if (!comparable(l, r)) {
          mismatch(fmt::format("cannot compare {} with {} using {}{}", a_type(l), a_type(r), op, date_hint()));
        }
        if (!orderable(l) || !orderable(r)) {
          mismatch(fmt::format("{} values have no order for {}", stype_name(orderable(l) ? r : l), op));
        }
        return SType::kBool;
      case BinOp::kIn:
        if (!unknown(r) && r != SType::kList) mismatch(fmt::format("IN needs a list on the right, got {}", a_type(r)));
        return SType::kBool;
      case BinOp::kStartsWith:
      case BinOp::kEndsWith:
      case BinOp::kContains:
        if (!unknown(l) && l != SType::kString) mismatch(fmt::format("{} needs Strings, got {} on the left", op, a_type(l)));
        if (!unknown(r) && r != SType::kString) mismatch(fmt::format("{} needs Strings, got {} on the right", op, a_type(r)));
        return SType::kBool;
      case BinOp::kAdd:
        if (l == SType::kList || r == SType::kList) return SType::kList;
        if (l == SType::kString || r == SType::kString) {
          for (SType t : {l, r}) {
            if (!unknown(t) && t != SType::kString && !numeric(t) && t != SType::kDate && t != SType::kBool) {
              mismatch(fmt::format("cannot add {} to a String", a_type(t)));
            }
          }
          return SType::kString;
        }
        [[fallthrough]];
      default:
        for (SType t : {l, r}) {
          if (!unknown(t) && !numeric(t)) mismatch(fmt::format("{} needs numbers, got {}", op, a_type(t)));
        }
        if (e.op == BinOp::kPow) return SType::kFloat;
        if (l == SType::kInt && r == SType::kInt) return SType::kInt;
        if (numeric(l) && numeric(r)) return SType::kFloat;
        return SType::kAny;
    }
  }

  SType function(Expr& e, Agg agg, const char* where) {
    const FunctionSig* f = find_function(e.name);
    if (!f) {
      const std::string folded = text::fold(e.name);
      for (const char* t : {"datetime", "localdatetime", "time", "localtime", "duration", "timestamp"}) {
        if (folded == t) {
          fail(e.pos, fmt::format("not supported: {}() (entente's time is valid time in days: use date('2024-06-19'), "
                                  "and compare dates or their year, month and day)",
                                  e.name));
        }
      }
      std::vector<std::string> names;
      for (const auto& fn : functions()) names.push_back(fn.name);
      std::string hint = text::did_you_mean(e.name, names);
      if (find_procedure(e.name) >= 0) hint = fmt::format(" ({} is a procedure: CALL {}(...) YIELD ...)", e.name, e.name);
      fail(e.pos, fmt::format("unknown function '{}'{}", e.name, hint));
    }
    e.name = f->name;
    e.fn = static_cast<int>(f - functions().data());
    if (e.star && e.name != "count") fail(e.pos, fmt::format("'*' is an argument of count(*) only, not of {}()", e.name));
    int n = static_cast<int>(e.args.size());
    if (e.star) n = 1;
    if (n < f->min_args || (f->max_args >= 0 && n > f->max_args)) {
      std::string want = f->min_args == f->max_args ? std::to_string(f->min_args)
                         : f->max_args < 0          ? fmt::format("at least {}", f->min_args)
                                                    : fmt::format("{} to {}", f->min_args, f->max_args);
      fail(e.pos, fmt::format("{}() takes {} argument{}, got {}", f->name, want, want == "1" ? "" : "s", n));
    }
    if (e.distinct && !f->aggregate) fail(e.pos, fmt::format("DISTINCT is for aggregates, not {}()", f->name));
    Agg inner = agg;
    if (f->aggregate) {
      if (agg == Agg::kNo) fail(e.pos, fmt::format("aggregate {}() is not allowed in {}", f->name, where));
      if (agg == Agg::kInside) fail(e.pos, fmt::format("aggregate {}() inside another aggregate", f->name));
      inner = Agg::kInside;
      e.agg = static_cast<int>(aggregates_->size());
      aggregates_->push_back(&e);
    }
    std::vector<SType> t;
    for (auto& a : e.args) t.push_back(expr(*a, inner, where));
    std::string name = f->name;
    auto need = [&](std::size_t i, std::initializer_list<SType> ok, const char* what) {
      if (i >= t.size() || unknown(t[i])) return;
      for (SType s : ok) {
        if (t[i] == s) return;
      }
      fail(e.args[i]->pos, fmt::format("type mismatch: {}() needs {}, got {}", name, what, a_type(t[i])));
    };
    if (name == "date") need(0, {SType::kString, SType::kDate}, "a String such as '2024-06-19'");
    if (name == "valid_from" || name == "valid_to" || name == "id" || name == "properties") {
      need(0, {SType::kNode, SType::kEdge}, "a node or relationship");
    }
    if (name == "valid_at") {
      need(0, {SType::kNode, SType::kEdge}, "a node or relationship");
      need(1, {SType::kDate, SType::kString}, "a Date");
    }
    if (name == "type") need(0, {SType::kEdge, SType::kNode}, "a relationship");
    if (name == "labels") need(0, {SType::kNode}, "a node");
    if (name == "startNode" || name == "endNode") need(0, {SType::kEdge}, "a relationship");
    if (name == "nodes" || name == "relationships") need(0, {SType::kPath}, "a path");
    if (name == "length") need(0, {SType::kPath, SType::kList, SType::kString}, "a path, list or string");
    if (name == "size") need(0, {SType::kList, SType::kString}, "a list or string");
    if (name == "head" || name == "last") need(0, {SType::kList}, "a list");
    if (name == "toLower" || name == "toUpper" || name == "trim" || name == "replace" || name == "split" ||
        name == "substring") {
      need(0, {SType::kString}, "a String");
    }
    if (name == "sum" || name == "avg" || name == "abs" || name == "round" || name == "stDev" || name == "stDevP" ||
        name == "percentileCont" || name == "percentileDisc" || name == "floor" || name == "ceil" || name == "sign" ||
        name == "sqrt" || name == "exp" || name == "log" || name == "log10") {
      need(0, {SType::kInt, SType::kFloat}, "numbers");
    }
    if (name == "ltrim" || name == "rtrim" || name == "left" || name == "right") need(0, {SType::kString}, "a String");
    if (name == "tail") need(0, {SType::kList}, "a list");
    if (name == "percentileDisc") return t.empty() ? SType::kAny : t[0];
    if (name == "min" || name == "max" || name == "abs") return t.empty() ? SType::kAny : t[0];
    if (name == "sum") return t.empty() || t[0] == SType::kNull ? SType::kAny : t[0];
    if (name == "coalesce") {
      SType first = t[0];
      for (SType s : t) {
        if (s != first) return SType::kAny;
      }
      return first;
    }
    return f->result;
  }

  // ---- queries

  // Binds a query (its parts joined by UNION), each part starting with `outer` in scope
  // (for a CALL { } without import, see bind_call_subquery). Returns the variables of the
  // first part's RETURN, in order (none when it ends without one). The binder's scope is
  // as before on return.
  std::vector<Var> bind_query(Query& body, std::vector<Var> outer, bool top,
                              std::optional<std::vector<Var>> importing_with = std::nullopt) {
    auto saved_scope = scope_;
    auto saved_gone = gone_;
    auto* saved_aggs = aggregates_;
    auto restore = [&] {
      scope_ = saved_scope;
      gone_ = saved_gone;
      aggregates_ = saved_aggs;
    };
    try {
      auto start = [&](const std::vector<Clause>& clauses) -> const std::vector<Var>& {
        if (importing_with && !clauses.empty() && std::holds_alternative<Projection>(clauses.front()) &&
            !std::get<Projection>(clauses.front()).is_return) {
          return *importing_with;
        }
        return outer;
      };
      std::vector<Var> first = bind_part(body.clauses, start(body.clauses), top);
      for (auto& u : body.unions) {
        std::vector<Var> other = bind_part(u.clauses, start(u.clauses), top);
        std::vector<std::string> a, b;
        for (const auto& v : first) a.push_back(v.name);
        for (const auto& v : other) b.push_back(v.name);
        if (!std::is_permutation(a.begin(), a.end(), b.begin(), b.end())) {
          fail(u.pos, fmt::format("the parts of a UNION must return the same columns: {} before it, {} after it",
                                  a.empty() ? "none" : fmt::format("{}", fmt::join(a, ", ")),
                                  b.empty() ? "none" : fmt::format("{}", fmt::join(b, ", "))));
        }
      }
      restore();
      return first;
    } catch (...) {
      restore();
      throw;
    }
  }

  std::vector<Var> bind_part(std::vector<Clause>& clauses, const std::vector<Var>& outer, bool top) {
    scope_ = outer;
    bool implicit = false;
    // A query ending in CALL returns the procedure's columns.
    if (top && !clauses.empty() && std::holds_alternative<Call>(clauses.back())) {
      implicit = true;
      add_implicit_return(clauses);
    }
    bool returned = false;
    for (std::size_t i = 0; i < clauses.size(); ++i) {
      auto& c = clauses[i];
      bool last_call = i + 2 == clauses.size() && implicit;
      if (auto* m = std::get_if<Match>(&c)) {
        bind_match(*m);
      } else if (auto* call = std::get_if<Call>(&c)) {
        bind_call(*call, last_call);
      } else if (auto* u = std::get_if<Unwind>(&c)) {
        bind_unwind(*u);
      } else if (auto* sq = std::get_if<CallSubquery>(&c)) {
        bind_call_subquery(*sq);
      } else {
        auto& p = std::get<Projection>(c);
        bind_projection(p);
        returned = p.is_return;
      }
    }
    return returned ? scope_ : std::vector<Var>{};
  }

  // CALL { [WITH a, ...] ... RETURN ... } and CALL (a, b) { ... }: the body sees the
  // variables it imports; its returned columns join the scope.
  void bind_call_subquery(CallSubquery& c) {
    std::vector<Var> imported;
    if (c.import_all) {
      imported = scope_;
    } else {
      for (std::size_t i = 0; i < c.imports.size(); ++i) {
        const Var* v = lookup(c.imports[i]);
        if (!v) {
          fail(c.import_pos[i], fmt::format("unknown variable '{}'{}", c.imports[i],
                                            text::did_you_mean(c.imports[i], visible_names())));
        }
        note_use(v->slot);
        imported.push_back(*v);
      }
    }
    // Without a scope clause, a part that starts with WITH imports what that WITH names.
    std::vector<Var> returned = c.scoped ? bind_query(*c.body, imported, false)
                                         : bind_query(*c.body, {}, false, scope_);
    if (returned.empty()) fail(c.pos, "the subquery returns nothing: end it with RETURN");
    for (const auto& v : returned) {
      if (lookup(v.name)) {
        fail(c.pos, fmt::format("variable '{}' is already defined: the subquery returns it (rename it with AS)", v.name));
      }
    }
    for (const auto& v : returned) {
      scope_.push_back(v);
      c.out_slots.push_back(v.slot);
    }
  }

  // ---- clauses
  void bind_props(std::vector<PropEntry>& props, bool edge, const std::vector<std::string>& labels,
                  const std::string& var, const std::vector<Var>& outer) {
    for (auto& p : props) {
      SType want = property_type(edge, labels, p.key, p.pos, var);
      // Property maps are matched where the pattern starts: they may use constants,
      // parameters and the variables of earlier clauses only.
      std::vector<Var> saved = scope_;
      auto gone_before = gone_;
      for (const auto& v : scope_) {
        bool earlier = std::any_of(outer.begin(), outer.end(), [&](const Var& o) { return o.slot == v.slot; });
        if (!earlier) {
          gone_.emplace_back(v.name, "a property map may use only constants, parameters and the variables of earlier "
                                     "clauses (compare with it in WHERE instead)");
        }
      }
      scope_ = outer;
      SType got;
      try {
        got = expr(*p.value, Agg::kNo, "a property map");
      } catch (...) {
        scope_ = std::move(saved);
        gone_ = std::move(gone_before);
        throw;
      }
      scope_ = std::move(saved);
      gone_ = std::move(gone_before);
      if (!comparable(want, got)) {
        fail(p.value->pos, fmt::format("type mismatch: property '{}' is {}, the pattern gives {}{}", p.key, a_type(want),
                                       a_type(got),
                                       want == SType::kDate && got == SType::kString ? " (write date('...'))" : ""));
      }
    }
  }

  void bind_node(NodePattern& n, const std::vector<Var>& outer) {
    for (std::size_t i = 0; i < n.labels.size(); ++i) check_label(n.labels[i], n.label_pos[i]);
    std::vector<std::string> labels = n.labels;
    if (n.var.empty()) {
      n.slot = new_slot(fmt::format("anon_{}", q_.slots));
    } else if (const Var* v = lookup(n.var)) {
      if (v->kind != SType::kNode && v->kind != SType::kAny) {
        fail(n.pos, fmt::format("variable '{}' is {}, not a node", n.var, a_type(v->kind)));
      }
      n.slot = v->slot;
      note_use(v->slot);
      if (labels.empty()) labels = v->labels;
    } else {
      n.slot = define(n.var, n.pos, SType::kNode, n.labels).slot;
    }
    bind_props(n.props, false, labels, n.var, outer);
  }

  void bind_rel(RelPattern& r, const std::vector<Var>& outer) {
    for (std::size_t i = 0; i < r.types.size(); ++i) check_rel_type(r.types[i], r.type_pos[i]);
    if (r.var.empty()) {
      r.slot = new_slot(fmt::format("anon_{}", q_.slots));
    } else {
      if (lookup(r.var)) {
        fail(r.pos, fmt::format("variable '{}' is already defined: a relationship variable is bound by one pattern", r.var));
      }
      r.slot = define(r.var, r.pos, r.var_length ? SType::kList : SType::kEdge, r.types).slot;
    }
    bind_props(r.props, true, r.types, r.var, outer);
  }

  void bind_match(Match& m) {
    const std::vector<Var> outer = scope_;
    for (auto& p : m.patterns) {
      if (!p.var.empty()) p.slot = define(p.var, p.pos, SType::kPath).slot;
      for (std::size_t i = 0; i < p.nodes.size(); ++i) {
        bind_node(p.nodes[i], outer);
        if (i < p.rels.size()) bind_rel(p.rels[i], outer);
      }
      if (p.shortest && p.nodes.front().slot == p.nodes.back().slot) {
        fail(p.pos, "shortestPath needs two different end nodes");
      }
    }
    if (m.where) where(*m.where, "WHERE");
  }

  void where(Expr& e, const char* what) {
    SType t = expr(e, Agg::kNo, what);
    if (!unknown(t) && t != SType::kBool) fail(e.pos, fmt::format("type mismatch: {} needs a Boolean, got {}", what, a_type(t)));
  }

  void bind_call(Call& c, bool last) {
    c.procedure = find_procedure(c.name);
    if (c.procedure < 0) {
      std::vector<std::string> names;
      for (const auto& p : procedures()) names.push_back(p.name);
      std::string hint = text::did_you_mean(c.name, names);
      if (find_function(c.name)) hint = fmt::format(" ({} is a function: use it in an expression)", c.name);
      fail(c.pos, fmt::format("unknown procedure '{}'{}", c.name, hint));
    }
    const ProcedureSig& sig = procedures()[static_cast<std::size_t>(c.procedure)];
    c.name = sig.name;
    int n = static_cast<int>(c.args.size());
    if (n < sig.min_args || n > static_cast<int>(sig.params.size())) {
      fail(c.pos, fmt::format("{}() takes {} to {} arguments ({}), got {}", sig.name, sig.min_args, sig.params.size(),
                              fmt::join(sig.params, ", "), n));
    }
    for (auto& a : c.args) expr(*a, Agg::kNo, "procedure arguments");
    if (!c.has_yield && !last) {
      fail(c.pos, fmt::format("CALL {}(...) needs YIELD when other clauses follow it", sig.name));
    }
    if (c.yields.empty()) {
      for (std::size_t i = 0; i < sig.columns.size(); ++i) {
        YieldItem y;
        y.pos = c.pos;
        y.name = sig.columns[i].name;
        c.yields.push_back(std::move(y));
      }
    }
    std::vector<std::string> columns;
    for (const auto& col : sig.columns) columns.push_back(col.name);
    for (auto& y : c.yields) {
      auto it = std::find(columns.begin(), columns.end(), y.name);
      if (it == columns.end()) {
        fail(y.pos, fmt::format("{}() yields no column '{}'{} (it yields {})", sig.name, y.name,
                                text::did_you_mean(y.name, columns), fmt::join(columns, ", ")));
      }
      y.column = static_cast<int>(it - columns.begin());
      std::string as = y.alias.empty() ? y.name : y.alias;
      if (lookup(as)) fail(y.pos, fmt::format("variable '{}' is already defined; rename it with YIELD {} AS other", as, y.name));
      y.slot = define(as, y.pos, sig.columns[static_cast<std::size_t>(y.column)].type).slot;
    }
    if (c.where) where(*c.where, "WHERE");
  }

  void add_implicit_return(std::vector<Clause>& clauses) {
    const Call& c = std::get<Call>(clauses.back());
    Projection p;
    p.pos = c.pos;
    p.is_return = true;
    p.star = true;  // expanded to the yielded columns
    clauses.emplace_back(std::move(p));
  }

  void bind_unwind(Unwind& u) {
    SType t = expr(*u.expr, Agg::kNo, "UNWIND");
    if (!unknown(t) && t != SType::kList) fail(u.expr->pos, fmt::format("type mismatch: UNWIND needs a list, got {}", a_type(t)));
    u.slot = define(u.var, u.pos, SType::kAny).slot;
  }

  ExprPtr var_ref(const Var& v, Pos pos) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kVar;
    e->pos = pos;
    e->name = v.name;
    e->text = v.name;
    return e;
  }

  void bind_projection(Projection& p) {
    const char* what = p.is_return ? "RETURN" : "WITH";
    if (p.star) {
      if (scope_.empty()) fail(p.pos, fmt::format("{} * has no variables to return", what));
      for (const auto& v : scope_) {
        ReturnItem item;
        item.expr = var_ref(v, p.pos);
        item.alias = v.name;
        item.aliased = true;
        p.items.push_back(std::move(item));
      }
    }
    aggregates_ = &p.aggregates;
    std::vector<Var> next;
    for (auto& item : p.items) {
      SType t = expr(*item.expr, Agg::kYes, what);
      if (!p.is_return && !item.aliased && item.expr->kind != ExprKind::kVar) {
        fail(item.expr->pos, fmt::format("WITH {} needs a name: add AS name", item.expr->text));
      }
      for (const auto& other : next) {
        if (other.name == item.alias) {
          fail(item.expr->pos, fmt::format("column '{}' appears twice in {}; rename one with AS", item.alias, what));
        }
      }
      Var v{item.alias, new_slot(item.alias), t, {}};
      if (item.expr->kind == ExprKind::kVar) v.labels = item.expr->labels;
      item.slot = v.slot;
      next.push_back(std::move(v));
    }
    p.aggregating = !p.aggregates.empty();
    // ORDER BY sees the projected columns, and also the variables before the projection
    // unless it aggregates or is DISTINCT.
    std::vector<Var> order_scope = (p.aggregating || p.distinct) ? std::vector<Var>{} : scope_;
    auto gone_before = gone_;
    if (p.aggregating || p.distinct) {
      for (const auto& v : scope_) {
        gone_.emplace_back(v.name, fmt::format("ORDER BY after an aggregating or DISTINCT {} sees only its columns "
                                               "(return '{}', or sort on a returned column)",
                                               what, v.name));
      }
    }
    order_scope.insert(order_scope.end(), next.begin(), next.end());
    std::swap(scope_, order_scope);
    for (auto& s : p.order) {
      if (p.aggregating || p.distinct) {
        // ORDER BY count(*) where count(*) is returned: sort on that column.
        for (const auto& item : p.items) {
          if (item.expr->text == s.expr->text) {
            Pos pos = s.expr->pos;
            s.expr = var_ref(Var{item.alias, item.slot, SType::kAny, {}}, pos);
            break;
          }
        }
      }
      expr(*s.expr, Agg::kNo, p.aggregating ? "ORDER BY (return the aggregate and sort on its column)" : "ORDER BY");
    }
    std::swap(scope_, order_scope);
    gone_ = std::move(gone_before);
    aggregates_ = nullptr;
    std::vector<Var> none;
    std::swap(scope_, none);
    for (ExprPtr* e : {&p.skip, &p.limit}) {
      if (!*e) continue;
      SType t = expr(**e, Agg::kNo, e == &p.skip ? "SKIP" : "LIMIT");
      if (!unknown(t) && t != SType::kInt) {
        fail((*e)->pos, fmt::format("type mismatch: {} needs an Integer, got {}", e == &p.skip ? "SKIP" : "LIMIT", a_type(t)));
      }
    }
    for (const auto& v : none) {
      bool kept = std::any_of(next.begin(), next.end(), [&](const Var& n) { return n.name == v.name; });
      if (!kept) gone_.emplace_back(v.name, fmt::format("WITH passes on only the variables it names (add '{}' to it)", v.name));
    }
    scope_ = std::move(next);
    if (p.where) where(*p.where, "WHERE");
    p.width = q_.slots;
  }

  Query& q_;
  const Schema& s_;
  const Params* params_;  // the values, for their types; null when preparing
  std::vector<Var> scope_;
  std::vector<const Expr*>* aggregates_ = nullptr;
  // The subqueries being bound, innermost last: the outer slots each may read, and those it does.
  struct Frame {
    std::vector<int> outer;
    std::vector<int>* used;
  };
  std::vector<Frame> frames_;
  // Variables out of scope, and why: for messages.
  std::vector<std::pair<std::string, std::string>> gone_;
};

}  // namespace

bound::Query bind(const ast::Query& q, const Schema& schema, const Params* params) {
  bound::Query b = bound::copy_syntax(q);
  Binder(b, schema, params).run();
  return b;
}

void missing_parameter(const std::string& name, Pos pos, const Params& given) {
  std::vector<std::string> names;
  for (const auto& [k, v] : given) names.push_back(k);
  throw invalid("line {}:{}: missing parameter ${}{}", pos.line, pos.col, name, text::did_you_mean(name, names));
}

std::vector<Value> param_values(const Query& q, const Params& params) {
  std::vector<Value> out;
  out.reserve(q.params.size());
  for (std::size_t i = 0; i < q.params.size(); ++i) {
    auto it = params.find(q.params[i]);
    if (it == params.end()) missing_parameter(q.params[i], q.param_pos[i], params);
    out.push_back(it->second);
  }
  return out;
}

void slots_used(const Expr& e, std::vector<int>& out) {
  if (e.kind == ExprKind::kVar && e.slot >= 0) out.push_back(e.slot);
  if (e.kind == ExprKind::kSubquery) out.insert(out.end(), e.outer_slots.begin(), e.outer_slots.end());
  const std::size_t before = out.size();
  for (const auto& a : e.args) slots_used(*a, out);
  // A comprehension's own variables are not read from the row it is given.
  if (e.local >= 0 || e.local2 >= 0) {
    out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(before), out.end(),
                             [&](int s) { return s == e.local || s == e.local2; }),
              out.end());
  }
}

}  // namespace entente::ql
