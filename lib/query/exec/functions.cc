// The built-in (non-aggregate) functions; their signatures are in bind/signatures.cc.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "common/error.h"
#include "query/exec/eval.h"

namespace entente::ql::exec {

using T = Value::Type;

namespace {

[[noreturn]] void bad_arg(const ast::Expr& e, std::size_t i, const char* want, const Value& got) {
  Pos p = i < e.args.size() ? e.args[i]->pos : e.pos;
  type_error(p, fmt::format("{}() needs {}, got {}", e.name, want, a_type(got)));
}

// UTF-8 characters of s (code points), as byte offsets.
std::vector<std::size_t> char_starts(const std::string& s) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) out.push_back(i);
  }
  return out;
}

Value node_or_fetch(const Reader& reader, NodeId id) {
  auto n = reader.node(id);
  return n ? Value(std::move(*n)) : Value();
}

}  // namespace

Value call_function(const ast::Expr& e, std::vector<Value>& args, Context& ctx) {
  const std::string& f = e.name;
  auto arg = [&](std::size_t i) -> const Value& { return args[i]; };
  // Functions of one argument return null for a null argument (coalesce aside).
  if (f != "coalesce" && !args.empty() && arg(0).is_null()) return Value();

  if (f == "date") {
    const Value& v = arg(0);
    if (v.type() == T::kDate) return v;
    if (v.type() != T::kString) bad_arg(e, 0, "a String such as '2024-06-19'", v);
    try {
      return Value(Date::parse(v.as_string()));
    } catch (const Error& err) {
      throw invalid("line {}:{}: date(): {}", e.args[0]->pos.line, e.args[0]->pos.col, err.what());
    }
  }
  if (f == "valid_from" || f == "valid_to") {
    const Value& v = arg(0);
    const std::optional<Interval>* valid = nullptr;
    if (v.type() == T::kNode) {
      valid = &v.as_node().valid;
    } else if (v.type() == T::kEdge) {
      valid = &v.as_edge().valid;
    } else {
      bad_arg(e, 0, "a node or relationship", v);
    }
    if (!*valid) return Value();
    const auto& bound = f == "valid_from" ? (*valid)->from : (*valid)->to;
    return bound ? Value(*bound) : Value();
  }
  if (f == "valid_at") {
    const Value& v = arg(0);
    if (v.type() != T::kNode && v.type() != T::kEdge) bad_arg(e, 0, "a node or relationship", v);
    auto d = date_arg(arg(1), e.args[1]->pos, "valid_at()");
    if (!d) return Value();
    return Value(valid_on(v, *d, ctx.reader));
  }
  if (f == "id") {
    if (arg(0).type() == T::kNode) return Value(static_cast<std::int64_t>(arg(0).as_node().id));
    if (arg(0).type() == T::kEdge) return Value(static_cast<std::int64_t>(arg(0).as_edge().id));
    bad_arg(e, 0, "a node or relationship", arg(0));
  }
  if (f == "type") {
    if (arg(0).type() == T::kEdge) return Value(arg(0).as_edge().type);
    if (arg(0).type() == T::kNode) return Value(arg(0).as_node().type);
    bad_arg(e, 0, "a relationship", arg(0));
  }
  if (f == "labels") {
    if (arg(0).type() != T::kNode) bad_arg(e, 0, "a node", arg(0));
    return Value(Value::List{Value(arg(0).as_node().type)});
  }
  if (f == "length" || f == "size") {
    const Value& v = arg(0);
    if (v.type() == T::kPath && f == "length") return Value(static_cast<std::int64_t>(v.as_path().edges.size()));
    if (v.type() == T::kList) return Value(static_cast<std::int64_t>(v.as_list().size()));
    if (v.type() == T::kString) return Value(static_cast<std::int64_t>(char_starts(v.as_string()).size()));
    bad_arg(e, 0, f == "length" ? "a path, list or string" : "a list or string", v);
  }
  if (f == "nodes" || f == "relationships") {
    if (arg(0).type() != T::kPath) bad_arg(e, 0, "a path", arg(0));
    Value::List l;
    if (f == "nodes") {
      for (const auto& n : arg(0).as_path().nodes) l.emplace_back(n);
    } else {
      for (const auto& r : arg(0).as_path().edges) l.emplace_back(r);
    }
    return Value(std::move(l));
  }
  if (f == "startNode" || f == "endNode") {
    if (arg(0).type() != T::kEdge) bad_arg(e, 0, "a relationship", arg(0));
    return node_or_fetch(ctx.reader, f == "startNode" ? arg(0).as_edge().from : arg(0).as_edge().to);
  }
  if (f == "properties" || f == "keys") {
    const Value& v = arg(0);
    const Properties* props = v.type() == T::kNode ? &v.as_node().props : v.type() == T::kEdge ? &v.as_edge().props : nullptr;
    Value::Map m;
    if (props) {
      for (const auto& name : props->names()) {
        Value pv = v.type() == T::kNode ? node_property(v.as_node(), name, ctx.schema)
                                        : edge_property(v.as_edge(), name, ctx.schema);
        m.emplace_back(name, std::move(pv));
      }
    } else if (v.type() == T::kMap) {
      m = v.as_map();
    } else {
      bad_arg(e, 0, "a node, relationship or map", v);
    }
    if (f == "properties") return Value(std::move(m));
    Value::List keys;
    for (const auto& [k, x] : m) keys.emplace_back(k);
    return Value(std::move(keys));
  }
  if (f == "coalesce") {
    for (const auto& a : args) {
      if (!a.is_null()) return a;
    }
    return Value();
  }
  if (f == "head" || f == "last") {
    if (arg(0).type() != T::kList) bad_arg(e, 0, "a list", arg(0));
    const auto& l = arg(0).as_list();
    if (l.empty()) return Value();
    return f == "head" ? l.front() : l.back();
  }
  if (f == "toLower" || f == "toUpper" || f == "trim") {
    if (arg(0).type() != T::kString) bad_arg(e, 0, "a String", arg(0));
    std::string s = arg(0).as_string();
    if (f == "trim") {
      auto b = s.find_first_not_of(" \t\n\r");
      if (b == std::string::npos) return Value(std::string());
      auto en = s.find_last_not_of(" \t\n\r");
      return Value(s.substr(b, en - b + 1));
    }
    for (auto& c : s) {
      c = static_cast<char>(f == "toLower" ? std::tolower(static_cast<unsigned char>(c)) : std::toupper(static_cast<unsigned char>(c)));
    }
    return Value(std::move(s));
  }
  if (f == "toString") return arg(0).type() == T::kString ? arg(0) : Value(arg(0).str());
  if (f == "toInteger" || f == "toFloat") {
    const Value& v = arg(0);
    double d = 0;
    if (v.is_number()) {
      d = v.as_number();
      if (f == "toInteger" && v.type() == T::kInt) return v;
    } else if (v.type() == T::kString) {
      const char* s = v.as_string().c_str();
      char* end = nullptr;
      d = std::strtod(s, &end);
      if (end == s || *end != '\0') return Value();
    } else {
      bad_arg(e, 0, "a number or String", v);
    }
    if (f == "toFloat") return Value(d);
    if (!std::isfinite(d) || d >= 9.2e18 || d <= -9.2e18) return Value();
    return Value(static_cast<std::int64_t>(std::trunc(d)));
  }
  if (f == "abs") {
    if (arg(0).type() == T::kInt) {
      if (arg(0).as_int() == INT64_MIN) throw invalid("line {}:{}: integer overflow", e.pos.line, e.pos.col);
      return Value(static_cast<std::int64_t>(std::llabs(arg(0).as_int())));
    }
    if (arg(0).type() == T::kFloat) return Value(std::fabs(arg(0).as_float()));
    bad_arg(e, 0, "a number", arg(0));
  }
  if (f == "round") {
    if (!arg(0).is_number()) bad_arg(e, 0, "a number", arg(0));
    // Half up, toward positive infinity, as Neo4j (Java's Math.round): round(-2.5) is -2.0,
    // where std::round gives -3.0.
    const double x = arg(0).as_number();
    double r = std::floor(x);
    if (x - r >= 0.5) r += 1.0;
    return Value(r);
  }
  if (f == "substring") {
    if (arg(0).type() != T::kString) bad_arg(e, 0, "a String", arg(0));
    for (std::size_t i = 1; i < args.size(); ++i) {
      if (args[i].is_null()) return Value();
      if (args[i].type() != T::kInt || args[i].as_int() < 0) bad_arg(e, i, "a non-negative Integer", args[i]);
    }
    const std::string& s = arg(0).as_string();
    auto starts = char_starts(s);
    auto n = static_cast<std::int64_t>(starts.size());
    std::int64_t from = std::min(arg(1).as_int(), n);
    std::int64_t len = args.size() > 2 ? arg(2).as_int() : n - from;
    std::int64_t to = std::min(n, from + std::min(len, n));
    std::size_t b = from < n ? starts[static_cast<std::size_t>(from)] : s.size();
    std::size_t en = to < n ? starts[static_cast<std::size_t>(to)] : s.size();
    return Value(s.substr(b, en - b));
  }
  if (f == "replace") {
    for (std::size_t i = 0; i < 3; ++i) {
      if (args[i].is_null()) return Value();
      if (args[i].type() != T::kString) bad_arg(e, i, "Strings", args[i]);
    }
    std::string s = arg(0).as_string();
    const std::string& from = arg(1).as_string();
    const std::string& to = arg(2).as_string();
    if (from.empty()) return Value(s);
    std::string out;
    std::size_t pos = 0;
    for (std::size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
      out += s.substr(pos, hit - pos) + to;
    }
    return Value(out + s.substr(pos));
  }
  if (f == "split") {
    if (args[1].is_null()) return Value();
    if (arg(0).type() != T::kString) bad_arg(e, 0, "a String", arg(0));
    if (arg(1).type() != T::kString || arg(1).as_string().empty()) bad_arg(e, 1, "a non-empty String", arg(1));
    const std::string& s = arg(0).as_string();
    const std::string& d = arg(1).as_string();
    Value::List out;
    std::size_t pos = 0;
    for (std::size_t hit; (hit = s.find(d, pos)) != std::string::npos; pos = hit + d.size()) out.emplace_back(s.substr(pos, hit - pos));
    out.emplace_back(s.substr(pos));
    return Value(std::move(out));
  }
  if (f == "range") {
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i].is_null()) return Value();
      if (args[i].type() != T::kInt) bad_arg(e, i, "Integers", args[i]);
    }
    std::int64_t from = arg(0).as_int(), to = arg(1).as_int(), step = args.size() > 2 ? arg(2).as_int() : 1;
    if (step == 0) throw invalid("line {}:{}: range(): the step must not be 0", e.pos.line, e.pos.col);
    Value::List out;
    for (std::int64_t i = from; step > 0 ? i <= to : i >= to; i += step) {
      if (out.size() >= 1000000) throw invalid("line {}:{}: range(): more than 1000000 elements", e.pos.line, e.pos.col);
      out.emplace_back(i);
      if ((step > 0 && i > INT64_MAX - step) || (step < 0 && i < INT64_MIN - step)) break;
    }
    return Value(std::move(out));
  }
  throw invalid("line {}:{}: function {}() is not implemented", e.pos.line, e.pos.col, f);
}

}  // namespace entente::ql::exec
