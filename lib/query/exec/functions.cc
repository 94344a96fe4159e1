// The built-in (non-aggregate) functions. The binder resolves a call to its index in
// functions() (bind/signatures.cc, Expr::fn); here each index has its implementation, found
// once by name, so that a call is an indexed jump, not a search.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <random>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "common/error.h"
#include "common/text.h"
#include "query/bind/signatures.h"
#include "query/exec/eval.h"

namespace entente::ql::exec {

using T = Value::Type;

namespace {

[[noreturn]] void bad_arg(const bound::Expr& e, std::size_t i, const char* want, const Value& got) {
  Pos p = i < e.args.size() ? e.args[i]->pos : e.pos;
  type_error(p, fmt::format("{}() needs {}, got {}", e.name, want, a_type(got)));
}

Value node_or_fetch(const Reader& reader, NodeId id) {
  auto n = reader.node(id);
  return n ? Value(std::move(*n)) : Value();
}



using FnArgs = std::vector<Value>;
using FnImpl = Value (*)(const bound::Expr& e, FnArgs& args, Context& ctx);

#define ENTENTE_FN(name) Value name([[maybe_unused]] const bound::Expr& e, [[maybe_unused]] FnArgs& args, [[maybe_unused]] Context& ctx)
#define ENTENTE_FN_PRELUDE                                                   \
  [[maybe_unused]] const std::string& f = e.name;                            \
  [[maybe_unused]] auto arg = [&](std::size_t i) -> const Value& { return args[i]; }

ENTENTE_FN(fn_date) {
  ENTENTE_FN_PRELUDE;
  const Value& v = arg(0);
  if (v.type() == T::kDate) return v;
  if (v.type() != T::kString) bad_arg(e, 0, "a String such as '2024-06-19'", v);
  try {
    return Value(Date::parse(v.as_string()));
  } catch (const Error& err) {
    throw invalid("line {}:{}: date(): {}", e.args[0]->pos.line, e.args[0]->pos.col, err.what());
  }
}

ENTENTE_FN(fn_valid_from) {
  ENTENTE_FN_PRELUDE;
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

ENTENTE_FN(fn_valid_at) {
  ENTENTE_FN_PRELUDE;
  const Value& v = arg(0);
  if (v.type() != T::kNode && v.type() != T::kEdge) bad_arg(e, 0, "a node or relationship", v);
  auto d = date_arg(arg(1), e.args[1]->pos, "valid_at()");
  if (!d) return Value();
  return Value(valid_on(v, *d, ctx.reader));
}

ENTENTE_FN(fn_id) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() == T::kNode) return Value(static_cast<std::int64_t>(arg(0).as_node().id));
  if (arg(0).type() == T::kEdge) return Value(static_cast<std::int64_t>(arg(0).as_edge().id));
  bad_arg(e, 0, "a node or relationship", arg(0));
}

ENTENTE_FN(fn_type) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() == T::kEdge) return Value(arg(0).as_edge().type);
  if (arg(0).type() == T::kNode) return Value(arg(0).as_node().type);
  bad_arg(e, 0, "a relationship", arg(0));
}

ENTENTE_FN(fn_labels) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() != T::kNode) bad_arg(e, 0, "a node", arg(0));
  return Value(Value::List{Value(arg(0).as_node().type)});
}

ENTENTE_FN(fn_length) {
  ENTENTE_FN_PRELUDE;
  const Value& v = arg(0);
  if (v.type() == T::kPath && f == "length") return Value(static_cast<std::int64_t>(v.as_path().edges.size()));
  if (v.type() == T::kList) return Value(static_cast<std::int64_t>(v.as_list().size()));
  if (v.type() == T::kString) return Value(static_cast<std::int64_t>(text::utf8_length(v.as_string())));
  bad_arg(e, 0, f == "length" ? "a path, list or string" : "a list or string", v);
}

ENTENTE_FN(fn_nodes) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() != T::kPath) bad_arg(e, 0, "a path", arg(0));
  Value::List l;
  if (f == "nodes") {
    for (const auto& n : arg(0).as_path().nodes) l.emplace_back(n);
  } else {
    for (const auto& r : arg(0).as_path().edges) l.emplace_back(r);
  }
  return Value(std::move(l));
}

ENTENTE_FN(fn_startNode) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() != T::kEdge) bad_arg(e, 0, "a relationship", arg(0));
  return node_or_fetch(ctx.reader, f == "startNode" ? arg(0).as_edge().from : arg(0).as_edge().to);
}

ENTENTE_FN(fn_properties) {
  ENTENTE_FN_PRELUDE;
  const Value& v = arg(0);
  if (v.type() != T::kNode && v.type() != T::kEdge && v.type() != T::kMap) bad_arg(e, 0, "a node, relationship or map", v);
  Value m = properties_of(v, ctx);
  if (f == "properties") return m;
  Value::List keys;
  for (const auto& [k, x] : m.as_map()) keys.emplace_back(k);
  return Value(std::move(keys));
}

ENTENTE_FN(fn_coalesce) {
  ENTENTE_FN_PRELUDE;
  for (const auto& a : args) {
    if (!a.is_null()) return a;
  }
  return Value();
}

ENTENTE_FN(fn_head) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() != T::kList) bad_arg(e, 0, "a list", arg(0));
  const auto& l = arg(0).as_list();
  if (l.empty()) return Value();
  return f == "head" ? l.front() : l.back();
}

ENTENTE_FN(fn_toLower) {
  ENTENTE_FN_PRELUDE;
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

ENTENTE_FN(fn_toString) {
  ENTENTE_FN_PRELUDE;
  return arg(0).type() == T::kString ? arg(0) : Value(arg(0).str());
}

ENTENTE_FN(fn_toInteger) {
  ENTENTE_FN_PRELUDE;
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

ENTENTE_FN(fn_abs) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() == T::kInt) {
    if (arg(0).as_int() == INT64_MIN) throw invalid("line {}:{}: integer overflow", e.pos.line, e.pos.col);
    return Value(static_cast<std::int64_t>(std::llabs(arg(0).as_int())));
  }
  if (arg(0).type() == T::kFloat) return Value(std::fabs(arg(0).as_float()));
  bad_arg(e, 0, "a number", arg(0));
}

ENTENTE_FN(fn_round) {
  ENTENTE_FN_PRELUDE;
  if (!arg(0).is_number()) bad_arg(e, 0, "a number", arg(0));
  if (args.size() > 1) {
    // round(x, precision): half away from zero at that decimal place, as Neo4j's HALF_UP.
    if (arg(1).is_null()) return Value();
    if (arg(1).type() != T::kInt) bad_arg(e, 1, "an Integer precision", arg(1));
    const double scale = std::pow(10.0, static_cast<double>(std::clamp<std::int64_t>(arg(1).as_int(), -300, 300)));
    const double x = arg(0).as_number();
    const double r = std::round(x * scale) / scale;
    return Value(std::isfinite(r) ? r : x);
  }
  // Half up, toward positive infinity, as Neo4j (Java's Math.round): round(-2.5) is -2.0,
  // where std::round gives -3.0.
  const double x = arg(0).as_number();
  double r = std::floor(x);
  if (x - r >= 0.5) r += 1.0;
  return Value(r);
}

ENTENTE_FN(fn_substring) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() != T::kString) bad_arg(e, 0, "a String", arg(0));
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i].is_null()) return Value();
    if (args[i].type() != T::kInt || args[i].as_int() < 0) bad_arg(e, i, "a non-negative Integer", args[i]);
  }
  const std::string& s = arg(0).as_string();
  auto starts = text::utf8_starts(s);
  auto n = static_cast<std::int64_t>(starts.size());
  std::int64_t from = std::min(arg(1).as_int(), n);
  std::int64_t len = args.size() > 2 ? arg(2).as_int() : n - from;
  std::int64_t to = std::min(n, from + std::min(len, n));
  std::size_t b = from < n ? starts[static_cast<std::size_t>(from)] : s.size();
  std::size_t en = to < n ? starts[static_cast<std::size_t>(to)] : s.size();
  return Value(s.substr(b, en - b));
}

ENTENTE_FN(fn_replace) {
  ENTENTE_FN_PRELUDE;
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

ENTENTE_FN(fn_split) {
  ENTENTE_FN_PRELUDE;
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

ENTENTE_FN(fn_range) {
  ENTENTE_FN_PRELUDE;
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

// ---- math

double number_arg(const bound::Expr& e, const FnArgs& args, std::size_t i) {
  if (!args[i].is_number()) bad_arg(e, i, "a number", args[i]);
  return args[i].as_number();
}

ENTENTE_FN(fn_math) {
  ENTENTE_FN_PRELUDE;
  const double x = number_arg(e, args, 0);
  if (f == "floor") return Value(std::floor(x));
  if (f == "ceil") return Value(std::ceil(x));
  if (f == "sqrt") return Value(std::sqrt(x));
  if (f == "exp") return Value(std::exp(x));
  if (f == "log") return Value(std::log(x));
  if (f == "log10") return Value(std::log10(x));
  if (f == "sin") return Value(std::sin(x));
  if (f == "cos") return Value(std::cos(x));
  if (f == "tan") return Value(std::tan(x));
  if (f == "cot") return Value(1.0 / std::tan(x));
  if (f == "asin") return Value(std::asin(x));
  if (f == "acos") return Value(std::acos(x));
  if (f == "atan") return Value(std::atan(x));
  if (f == "degrees") return Value(x * 180.0 / M_PI);
  if (f == "radians") return Value(x * M_PI / 180.0);
  if (f == "isNaN") return Value(std::isnan(x));
  throw invalid("line {}:{}: function {}() is not implemented", e.pos.line, e.pos.col, f);
}

ENTENTE_FN(fn_sign) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() == T::kInt) return Value(std::int64_t{arg(0).as_int() > 0 ? 1 : arg(0).as_int() < 0 ? -1 : 0});
  const double x = number_arg(e, args, 0);
  return Value(std::int64_t{x > 0 ? 1 : x < 0 ? -1 : 0});
}

ENTENTE_FN(fn_atan2) {
  if (args[1].is_null()) return Value();
  return Value(std::atan2(number_arg(e, args, 0), number_arg(e, args, 1)));
}

ENTENTE_FN(fn_e) { return Value(M_E); }
ENTENTE_FN(fn_pi) { return Value(M_PI); }
ENTENTE_FN(fn_rand) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return Value(std::uniform_real_distribution<double>(0.0, 1.0)(gen));
}

// ---- strings and lists

const std::string& string_arg(const bound::Expr& e, const FnArgs& args, std::size_t i) {
  if (args[i].type() != T::kString) bad_arg(e, i, "a String", args[i]);
  return args[i].as_string();
}

ENTENTE_FN(fn_side_trim) {
  ENTENTE_FN_PRELUDE;
  const std::string& s = string_arg(e, args, 0);
  if (f == "ltrim") {
    auto b = s.find_first_not_of(" \t\n\r");
    return Value(b == std::string::npos ? std::string() : s.substr(b));
  }
  auto en = s.find_last_not_of(" \t\n\r");
  return Value(en == std::string::npos ? std::string() : s.substr(0, en + 1));
}

// left(s, n), right(s, n): the first or last n characters.
ENTENTE_FN(fn_left_right) {
  ENTENTE_FN_PRELUDE;
  if (args[1].is_null()) bad_arg(e, 1, "a non-negative Integer", args[1]);
  const std::string& s = string_arg(e, args, 0);
  if (args[1].type() != T::kInt || args[1].as_int() < 0) bad_arg(e, 1, "a non-negative Integer", args[1]);
  auto starts = text::utf8_starts(s);
  const auto n = static_cast<std::int64_t>(starts.size());
  const std::int64_t k = std::min(args[1].as_int(), n);
  if (f == "left") return Value(s.substr(0, k < n ? starts[static_cast<std::size_t>(k)] : s.size()));
  return Value(s.substr(k < n ? starts[static_cast<std::size_t>(n - k)] : 0));
}

ENTENTE_FN(fn_reverse) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() == T::kList) {
    Value::List l = arg(0).as_list();
    std::reverse(l.begin(), l.end());
    return Value(std::move(l));
  }
  const std::string& s = string_arg(e, args, 0);
  auto starts = text::utf8_starts(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = starts.size(); i-- > 0;) {
    std::size_t end = i + 1 < starts.size() ? starts[i + 1] : s.size();
    out.append(s, starts[i], end - starts[i]);
  }
  return Value(std::move(out));
}

ENTENTE_FN(fn_tail) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() != T::kList) bad_arg(e, 0, "a list", arg(0));
  const auto& l = arg(0).as_list();
  if (l.empty()) return Value(Value::List{});
  return Value(Value::List(l.begin() + 1, l.end()));
}

ENTENTE_FN(fn_is_empty) {
  ENTENTE_FN_PRELUDE;
  switch (arg(0).type()) {
    case T::kList: return Value(arg(0).as_list().empty());
    case T::kMap: return Value(arg(0).as_map().empty());
    case T::kString: return Value(arg(0).as_string().empty());
    default: bad_arg(e, 0, "a list, map or String", arg(0));
  }
}

ENTENTE_FN(fn_char_length) {
  return Value(static_cast<std::int64_t>(text::utf8_starts(string_arg(e, args, 0)).size()));
}

// ---- conversions

std::optional<bool> boolean_of(const Value& v) {
  if (v.type() == T::kBool) return v.as_bool();
  if (v.type() == T::kInt) return v.as_int() != 0;
  if (v.type() == T::kString) {
    std::string s = v.as_string();
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "true") return true;
    if (s == "false") return false;
  }
  return std::nullopt;
}

ENTENTE_FN(fn_to_boolean) {
  ENTENTE_FN_PRELUDE;
  const Value& v = arg(0);
  if (v.type() != T::kBool && v.type() != T::kInt && v.type() != T::kString) {
    bad_arg(e, 0, "a Boolean, Integer or String", v);
  }
  auto b = boolean_of(v);
  return b ? Value(*b) : Value();
}

ENTENTE_FN(fn_or_null) {
  ENTENTE_FN_PRELUDE;
  const Value& v = arg(0);
  if (f == "toBooleanOrNull") {
    auto b = boolean_of(v);
    return b ? Value(*b) : Value();
  }
  if (f == "toStringOrNull") {
    switch (v.type()) {
      case T::kString: return v;
      case T::kBool:
      case T::kInt:
      case T::kFloat:
      case T::kDate: return Value(v.str());
      default: return Value();
    }
  }
  // toIntegerOrNull, toFloatOrNull
  double d = 0;
  if (v.is_number()) {
    if (f == "toIntegerOrNull" && v.type() == T::kInt) return v;
    d = v.as_number();
  } else if (v.type() == T::kString) {
    const char* s = v.as_string().c_str();
    char* end = nullptr;
    d = std::strtod(s, &end);
    if (end == s || *end != '\0') return Value();
  } else if (v.type() == T::kBool && f == "toIntegerOrNull") {
    return Value(std::int64_t{v.as_bool() ? 1 : 0});
  } else {
    return Value();
  }
  if (f == "toFloatOrNull") return Value(d);
  if (!std::isfinite(d) || d >= 9.2e18 || d <= -9.2e18) return Value();
  return Value(static_cast<std::int64_t>(std::trunc(d)));
}

ENTENTE_FN(fn_null_if) {
  auto eq = equals(args[0], args[1]);
  return eq && *eq ? Value() : args[0];
}

ENTENTE_FN(fn_element_id) {
  ENTENTE_FN_PRELUDE;
  if (arg(0).type() == T::kNode) return Value(fmt::format("{}:{}", arg(0).as_node().type, arg(0).as_node().key));
  if (arg(0).type() == T::kEdge) return Value(fmt::format("edge:{}", arg(0).as_edge().id));
  bad_arg(e, 0, "a node or relationship", arg(0));
}

// The implementations by name; functions() gives the order.
const std::vector<std::pair<std::string_view, FnImpl>>& by_name() {
  static const std::vector<std::pair<std::string_view, FnImpl>> table{
      {"date", fn_date},
      {"valid_from", fn_valid_from},
      {"valid_to", fn_valid_from},
      {"valid_at", fn_valid_at},
      {"id", fn_id},
      {"type", fn_type},
      {"labels", fn_labels},
      {"length", fn_length},
      {"size", fn_length},
      {"nodes", fn_nodes},
      {"relationships", fn_nodes},
      {"startNode", fn_startNode},
      {"endNode", fn_startNode},
      {"properties", fn_properties},
      {"keys", fn_properties},
      {"coalesce", fn_coalesce},
      {"head", fn_head},
      {"last", fn_head},
      {"toLower", fn_toLower},
      {"toUpper", fn_toLower},
      {"trim", fn_toLower},
      {"toString", fn_toString},
      {"toInteger", fn_toInteger},
      {"toFloat", fn_toInteger},
      {"abs", fn_abs},
      {"round", fn_round},
      {"substring", fn_substring},
      {"replace", fn_replace},
      {"split", fn_split},
      {"range", fn_range},
      {"floor", fn_math},
      {"ceil", fn_math},
      {"sqrt", fn_math},
      {"exp", fn_math},
      {"log", fn_math},
      {"log10", fn_math},
      {"sin", fn_math},
      {"cos", fn_math},
      {"tan", fn_math},
      {"cot", fn_math},
      {"asin", fn_math},
      {"acos", fn_math},
      {"atan", fn_math},
      {"degrees", fn_math},
      {"radians", fn_math},
      {"isNaN", fn_math},
      {"sign", fn_sign},
      {"atan2", fn_atan2},
      {"e", fn_e},
      {"pi", fn_pi},
      {"rand", fn_rand},
      {"ltrim", fn_side_trim},
      {"rtrim", fn_side_trim},
      {"left", fn_left_right},
      {"right", fn_left_right},
      {"reverse", fn_reverse},
      {"tail", fn_tail},
      {"isEmpty", fn_is_empty},
      {"char_length", fn_char_length},
      {"character_length", fn_char_length},
      {"toBoolean", fn_to_boolean},
      {"toBooleanOrNull", fn_or_null},
      {"toStringOrNull", fn_or_null},
      {"toIntegerOrNull", fn_or_null},
      {"toFloatOrNull", fn_or_null},
      {"nullIf", fn_null_if},
      {"elementId", fn_element_id},
  };
  return table;
}

// By index in functions(): null for the aggregates, which the projection computes.
const std::vector<FnImpl>& implementations() {
  static const std::vector<FnImpl> table = [] {
    std::vector<FnImpl> out;
    for (const auto& sig : functions()) {
      FnImpl impl = nullptr;
      for (const auto& [name, fn] : by_name()) {
        if (name == sig.name) impl = fn;
      }
      out.push_back(impl);
    }
    return out;
  }();
  return table;
}

}  // namespace

Value call_function(const bound::Expr& e, std::vector<Value>& args, Context& ctx) {
  const auto& table = implementations();
  if (e.fn < 0 || static_cast<std::size_t>(e.fn) >= table.size() || !table[static_cast<std::size_t>(e.fn)]) {
    throw invalid("line {}:{}: function {}() is not implemented", e.pos.line, e.pos.col, e.name);
  }
  // A function returns null for a null first argument, but those that look for nulls.
  if (!args.empty() && args[0].is_null() && !functions()[static_cast<std::size_t>(e.fn)].takes_nulls) return Value();
  return table[static_cast<std::size_t>(e.fn)](e, args, ctx);
}

}  // namespace entente::ql::exec
