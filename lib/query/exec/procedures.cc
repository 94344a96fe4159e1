#include "query/exec/procedures.h"

#include <algorithm>

#include <fmt/format.h>

#include "algo/bounded.h"
#include "common/error.h"
#include "entente/questions.h"
#include "query/bind/signatures.h"

namespace entente::ql::exec {

using T = Value::Type;

namespace {

struct Args {
  const bound::Call& call;
  const std::vector<Value>& values;
  Context& ctx;

  bool given(std::size_t i) const { return i < values.size() && !values[i].is_null(); }
  Pos pos(std::size_t i) const { return i < call.args.size() ? call.args[i]->pos : call.pos; }
  const char* param(std::size_t i) const { return procedures()[static_cast<std::size_t>(call.procedure)].params[i]; }

  // Runs a question. Its errors (an unknown state, ...) name the call's place. It runs
  // within the query's budget: a limit passed is the query's, and its message is kept.
  template <typename F>
  auto located(F f) const -> decltype(f()) {
    try {
      return f();
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kLimit) throw;
      throw Error(e.kind(), fmt::format("line {}:{}: {}(): {}", call.pos.line, call.pos.col, call.name, e.what()));
    }
  }

  [[noreturn]] void bad(std::size_t i, const std::string& why) const {
    throw invalid("line {}:{}: {}(): argument {} ({}): {}", pos(i).line, pos(i).col, call.name, i + 1, param(i), why);
  }

  // A node argument: a Node, or its Type:key, name or alias. Empty when not given.
  std::string node(std::size_t i) const {
    if (!given(i)) return {};
    const Value& v = values[i];
    if (v.type() == T::kNode) return v.as_node().ref().str();
    if (v.type() == T::kString) return v.as_string();
    bad(i, fmt::format("expected a node or a name, got {}", Value::type_name(v.type())));
  }
  std::string required_node(std::size_t i) const {
    std::string s = node(i);
    if (s.empty()) bad(i, "required, got null");
    return s;
  }
  std::optional<Date> date(std::size_t i) const {
    if (!given(i)) return ctx.at;
    return date_arg(values[i], pos(i), fmt::format("{}(): argument {} ({})", call.name, i + 1, param(i)).c_str());
  }
  Date required_date(std::size_t i) const {
    auto d = date(i);
    if (!d) bad(i, "a date is required: give it, or end the query with AT DATE");
    return *d;
  }
  std::vector<std::string> strings(std::size_t i) const {
    std::vector<std::string> out;
    if (!given(i)) return out;
    const Value& v = values[i];
    if (v.type() == T::kString) return {v.as_string()};
    if (v.type() != T::kList) bad(i, fmt::format("expected a list of strings, got {}", Value::type_name(v.type())));
    for (const auto& e : v.as_list()) {
      if (e.type() != T::kString) bad(i, fmt::format("expected a list of strings, got an element of type {}", Value::type_name(e.type())));
      out.push_back(e.as_string());
    }
    return out;
  }
  std::optional<std::int64_t> integer(std::size_t i) const {
    if (!given(i)) return std::nullopt;
    if (values[i].type() != T::kInt) bad(i, fmt::format("expected an Integer, got {}", Value::type_name(values[i].type())));
    return values[i].as_int();
  }
  bool boolean(std::size_t i) const {
    if (!given(i)) return false;
    if (values[i].type() != T::kBool) bad(i, fmt::format("expected a Boolean, got {}", Value::type_name(values[i].type())));
    return values[i].as_bool();
  }
};

Value nodes(const std::vector<Node>& ns) {
  Value::List l;
  for (const auto& n : ns) l.emplace_back(n);
  return Value(std::move(l));
}

Value opt_date(const std::optional<Date>& d) { return d ? Value(*d) : Value(); }

Value date_prop(const Node& n, const char* name) {
  auto s = n.props.text(name);
  if (!s) return Value();
  auto d = Date::try_parse(*s);
  return d ? Value(*d) : Value();
}

Value strings_value(const std::vector<std::string>& v) {
  Value::List l;
  for (const auto& s : v) l.emplace_back(s);
  return Value(std::move(l));
}

using Rows = std::vector<std::vector<Value>>;

// A path of a question's steps as a query value, from `first`.
Value path_value(const Node& first, const std::vector<PathStep>& steps) {
  Path p;
  p.nodes.push_back(first);
  for (const auto& s : steps) {
    p.edges.push_back(s.edge);
    p.nodes.push_back(s.to);
  }
  return Value(std::move(p));
}

Rows proc_allies(const Args& a) {
  Rows out;
  AllyQuery q;
  q.at = a.required_date(1);
  if (a.given(2)) q.obligations = a.strings(2);
  if (auto h = a.integer(3)) {
    if (*h < 1 || *h > 100) a.bad(3, "hops must be 1 to 100");
    q.hops = static_cast<int>(*h);
  }
  q.include_signed = a.boolean(4);
  std::string state = a.required_node(0);
  auto result = a.located([&] { return algo::allies(a.ctx.reader, state, q, a.ctx.budget); });
  for (const auto& ally : result) {
    std::vector<const AllianceLink*> links;
    if (ally.hops == 1) {
      for (const auto& l : ally.chain) links.push_back(&l);
    } else if (!ally.chain.empty()) {
      links.push_back(&ally.chain.back());
    }
    for (const auto* l : links) {
      Value::List articles;
      for (const auto& art : l->articles) {
        auto it = art.find("number");
        if (it != art.end() && it->is_string()) articles.emplace_back(it->get<std::string>());
      }
      out.push_back({Value(ally.state), Value(l->treaty), Value(std::string(link_status(*l))), Value(ally.hops), strings_value(l->obligations),
                     Value(std::move(articles)), Value(l->from)});
    }
  }
  return out;
}

Rows proc_visits(const Args& a) {
  Rows out;
  VisitQuery q;
  q.visitor = a.node(0);
  q.host = a.node(1);
  if (a.given(2)) q.from = a.date(2);
  if (a.given(3)) q.to = a.date(3);
  q.met = a.node(4);
  auto result = a.located([&] { return algo::visits(a.ctx.reader, q, a.ctx.budget); });
  for (const auto& v : result) {
    out.push_back({Value(v.visit), Value(v.visitor), Value(v.host), date_prop(v.visit, "start"), date_prop(v.visit, "end"),
                   v.office.empty() ? Value() : Value(v.office), Value(v.number), Value(v.number_in_office),
                   opt_date(v.previous), v.gap_days ? Value(static_cast<std::int64_t>(*v.gap_days)) : Value(),
                   v.gap_days ? Value(describe_gap(*v.gap_days)) : Value(), nodes(v.met), nodes(v.produced)});
  }
  return out;
}

Rows proc_shortest_path(const Args& a) {
  Rows out;
  std::string from = a.required_node(0);
  std::string to = a.required_node(1);
  auto via = a.strings(2);
  auto at = a.date(3);
  auto steps = a.located([&] { return algo::shortest_path(a.ctx.reader, from, to, via, at, a.ctx.budget); });
  if (steps.empty()) return out;
  out.push_back({path_value(steps.front().from, steps), Value(static_cast<std::int64_t>(steps.size()))});
  return out;
}

Rows proc_temporal_path(const Args& a) {
  Rows out;
  std::string from = a.required_node(0);
  std::string to = a.required_node(1);
  auto via = a.strings(2);
  std::optional<Date> leaving;
  if (a.given(3)) leaving = a.date(3);
  auto found = a.located([&] { return algo::temporal_path(a.ctx.reader, from, to, via, leaving, a.ctx.budget); });
  if (!found) return out;
  Value::List taken;
  for (const auto& t : found->taken) taken.push_back(opt_date(t));
  const Node first = found->steps.empty() ? a.ctx.reader.resolve(from) : found->steps.front().from;
  out.push_back({path_value(first, found->steps), Value(static_cast<std::int64_t>(found->steps.size())),
                 Value(std::move(taken)), opt_date(found->arrival())});
  return out;
}

Rows proc_officeholders(const Args& a) {
  Rows out;
  std::string of = a.required_node(0);
  Date at = a.required_date(1);
  std::string office;
  if (a.given(2)) {
    if (a.values[2].type() != T::kString) a.bad(2, "expected a String");
    office = a.values[2].as_string();
  }
  auto result = a.located([&] { return officeholders(a.ctx.reader, of, at, office); });
  for (const auto& t : result) {
    out.push_back({Value(t.person), Value(t.office), Value(t.of), t.edge.valid ? opt_date(t.edge.valid->from) : Value(),
                   t.edge.valid ? opt_date(t.edge.valid->to) : Value()});
  }
  return out;
}

Rows proc_treaties(const Args& a) {
  Rows out;
  std::string x = a.required_node(0);
  std::string y = a.node(1);
  auto at = a.date(2);
  auto result = a.located([&] { return treaties(a.ctx.reader, x, y, at); });
  for (const auto& t : result) {
    out.push_back({Value(t.treaty), Value(std::string(state_name(t.status))), nodes(t.parties), nodes(t.replaces), nodes(t.replaced_by)});
  }
  return out;
}

Rows proc_blocs(const Args& a) {
  Rows out;
  Date at = a.required_date(0);
  auto obligations = a.given(1) ? a.strings(1) : std::vector<std::string>{"defense"};
  auto result = a.located([&] { return algo::blocs(a.ctx.reader, at, obligations, a.ctx.budget); });
  int i = 0;
  for (const auto& b : result) out.push_back({Value(++i), nodes(b.states), nodes(b.treaties)});
  return out;
}

Rows proc_procedures(const Args& a) {
  Rows out;
  for (const auto& p : procedures()) {
    Value::List cols;
    for (const auto& c : p.columns) cols.emplace_back(c.name);
    out.push_back({Value(p.name), Value(p.doc), Value(std::move(cols))});
  }
  return out;
}

Rows proc_functions(const Args& a) {
  Rows out;
  for (const auto& f : functions()) out.push_back({Value(f.name), Value(f.aggregate), Value(f.doc)});
  return out;
}

// Each procedure's code, by its index in procedures() (bound::Call::procedure): the table is
// matched to the signatures by name once, and every procedure must have its code.
using ProcImpl = Rows (*)(const Args& a);
const std::vector<ProcImpl>& impls() {
  static const std::vector<ProcImpl> table = [] {
    const std::pair<const char*, ProcImpl> by_name[] = {
      {"allies", proc_allies},
      {"visits", proc_visits},
      {"shortest_path", proc_shortest_path},
      {"path", proc_shortest_path},
      {"temporal_path", proc_temporal_path},
      {"officeholders", proc_officeholders},
      {"treaties", proc_treaties},
      {"blocs", proc_blocs},
      {"procedures", proc_procedures},
      {"functions", proc_functions},
    };
    std::vector<ProcImpl> out;
    for (const auto& sig : procedures()) {
      auto it = std::find_if(std::begin(by_name), std::end(by_name),
                             [&](const auto& e) { return std::string_view(sig.name) == e.first; });
      if (it == std::end(by_name)) throw Error(ErrorKind::kCorruption, fmt::format("procedure {}() has no code", sig.name));
      out.push_back(it->second);
    }
    return out;
  }();
  return table;
}

}  // namespace

std::vector<std::vector<Value>> run_procedure(const bound::Call& call, const std::vector<Value>& values, Context& ctx) {
  // What the question held while it ran is freed when it returns: only its rows stay.
  struct Held {
    Budget& budget;
    std::uint64_t before = budget.held();
    ~Held() {
      if (budget.held() > before) budget.release(budget.held() - before);
    }
  } held{ctx.budget};
  const auto& table = impls();
  if (call.procedure < 0 || static_cast<std::size_t>(call.procedure) >= table.size()) {
    throw invalid("line {}:{}: procedure {}() is not implemented", call.pos.line, call.pos.col, call.name);
  }
  return table[static_cast<std::size_t>(call.procedure)](Args{call, values, ctx});
}

}  // namespace entente::ql::exec
