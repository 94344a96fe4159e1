#include "query/bind/signatures.h"

#include <cctype>

namespace entente::ql {

using ast::SType;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

// Long: a table, one entry a function (docs/query.md section 6), read top to bottom.
const std::vector<FunctionSig>& functions() {
  static const std::vector<FunctionSig> table{
      // aggregates
      {"count", 1, 1, SType::kInt, true, "count(*): rows; count(x): non-null values"},
      {"collect", 1, 1, SType::kList, true, "the non-null values, as a list"},
      {"min", 1, 1, SType::kAny, true, "the least non-null value"},
      {"max", 1, 1, SType::kAny, true, "the greatest non-null value"},
      {"sum", 1, 1, SType::kAny, true, "the sum of the non-null numbers (0 when none)"},
      {"avg", 1, 1, SType::kFloat, true, "the mean of the non-null numbers (null when none)"},
      {"stDev", 1, 1, SType::kFloat, true, "the sample standard deviation of the non-null numbers (0 for fewer than 2)"},
      {"stDevP", 1, 1, SType::kFloat, true, "the population standard deviation of the non-null numbers (0 when none)"},
      {"percentileCont", 2, 2, SType::kFloat, true,
       "percentileCont(x, p): the p-th percentile (p from 0 to 1) of the non-null numbers, interpolated"},
      {"percentileDisc", 2, 2, SType::kAny, true,
       "percentileDisc(x, p): the p-th percentile (p from 0 to 1) of the non-null numbers, the nearest value"},
      // time
      {"date", 1, 1, SType::kDate, false, "date('2024-06-19'), date('2024-06'), date('1961'): a date"},
      {"valid_from", 1, 1, SType::kDate, false, "the first day of a node's or relationship's validity (null: none)"},
      {"valid_to", 1, 1, SType::kDate, false, "the end (exclusive) of a node's or relationship's validity (null: open)"},
      {"valid_at", 2, 2, SType::kBool, false, "valid_at(x, d): whether x holds on date d"},
      // graph
      {"id", 1, 1, SType::kInt, false, "the internal id of a node or relationship"},
      {"type", 1, 1, SType::kString, false, "the type of a relationship (or node)"},
      {"labels", 1, 1, SType::kList, false, "a node's type, as a one-element list"},
      {"length", 1, 1, SType::kInt, false, "the relationships in a path; the elements of a list; the characters of a string"},
      {"nodes", 1, 1, SType::kList, false, "the nodes of a path"},
      {"relationships", 1, 1, SType::kList, false, "the relationships of a path"},
      {"startNode", 1, 1, SType::kNode, false, "the from node of a relationship"},
      {"endNode", 1, 1, SType::kNode, false, "the to node of a relationship"},
      {"properties", 1, 1, SType::kMap, false, "the properties of a node or relationship, as a map"},
      {"keys", 1, 1, SType::kList, false, "the property names of a node, relationship or map"},
      {"elementId", 1, 1, SType::kString, false, "a node's 'Type:key'; a relationship's 'edge:id'"},
      // values
      {"size", 1, 1, SType::kInt, false, "the elements of a list; the characters of a string"},
      {"coalesce", 1, -1, SType::kAny, false, "the first argument that is not null", true},
      {"nullIf", 2, 2, SType::kAny, false, "nullIf(a, b): null when a = b, else a"},
      {"isEmpty", 1, 1, SType::kBool, false, "whether a list, map or string is empty"},
      {"tail", 1, 1, SType::kList, false, "a list without its first element"},
      {"reverse", 1, 1, SType::kAny, false, "a list or string in reverse order"},
      {"head", 1, 1, SType::kAny, false, "the first element of a list"},
      {"last", 1, 1, SType::kAny, false, "the last element of a list"},
      {"toLower", 1, 1, SType::kString, false, "a string in lower case"},
      {"toUpper", 1, 1, SType::kString, false, "a string in upper case"},
      {"trim", 1, 1, SType::kString, false, "a string without surrounding spaces"},
      {"ltrim", 1, 1, SType::kString, false, "a string without leading spaces"},
      {"rtrim", 1, 1, SType::kString, false, "a string without trailing spaces"},
      {"left", 2, 2, SType::kString, false, "left(s, n): the first n characters"},
      {"right", 2, 2, SType::kString, false, "right(s, n): the last n characters"},
      {"char_length", 1, 1, SType::kInt, false, "the characters of a string"},
      {"character_length", 1, 1, SType::kInt, false, "the characters of a string"},
      {"toString", 1, 1, SType::kString, false, "a value as a string"},
      {"toInteger", 1, 1, SType::kInt, false, "a number or numeric string as an integer (null when not one)"},
      {"toFloat", 1, 1, SType::kFloat, false, "a number or numeric string as a float (null when not one)"},
      {"toBoolean", 1, 1, SType::kBool, false, "'true'/'false' (any case), a Boolean, or an Integer (0: false) as a Boolean"},
      {"toStringOrNull", 1, 1, SType::kString, false, "as toString, or null for a list, map, node, relationship or path"},
      {"toIntegerOrNull", 1, 1, SType::kInt, false, "as toInteger, or null for any value that is not one"},
      {"toFloatOrNull", 1, 1, SType::kFloat, false, "as toFloat, or null for any value that is not one"},
      {"toBooleanOrNull", 1, 1, SType::kBool, false, "as toBoolean, or null for any value that is not one"},
      {"abs", 1, 1, SType::kAny, false, "the absolute value of a number"},
      {"round", 1, 2, SType::kFloat, false,
       "round(x): to the nearest integer, halves up; round(x, precision): to that many decimals, halves away from 0"},
      {"floor", 1, 1, SType::kFloat, false, "the greatest integer not above a number, as a Float"},
      {"ceil", 1, 1, SType::kFloat, false, "the least integer not below a number, as a Float"},
      {"sign", 1, 1, SType::kInt, false, "-1, 0 or 1: the sign of a number"},
      {"sqrt", 1, 1, SType::kFloat, false, "the square root"},
      {"exp", 1, 1, SType::kFloat, false, "e to the power of a number"},
      {"log", 1, 1, SType::kFloat, false, "the natural logarithm"},
      {"log10", 1, 1, SType::kFloat, false, "the logarithm in base 10"},
      {"e", 0, 0, SType::kFloat, false, "Euler's number"},
      {"pi", 0, 0, SType::kFloat, false, "pi"},
      {"rand", 0, 0, SType::kFloat, false, "a random Float in [0, 1)"},
      {"sin", 1, 1, SType::kFloat, false, "the sine of an angle in radians"},
      {"cos", 1, 1, SType::kFloat, false, "the cosine of an angle in radians"},
      {"tan", 1, 1, SType::kFloat, false, "the tangent of an angle in radians"},
      {"cot", 1, 1, SType::kFloat, false, "the cotangent of an angle in radians"},
      {"asin", 1, 1, SType::kFloat, false, "the arcsine, in radians"},
      {"acos", 1, 1, SType::kFloat, false, "the arccosine, in radians"},
      {"atan", 1, 1, SType::kFloat, false, "the arctangent, in radians"},
      {"atan2", 2, 2, SType::kFloat, false, "atan2(y, x): the angle of the point (x, y), in radians"},
      {"degrees", 1, 1, SType::kFloat, false, "radians to degrees"},
      {"radians", 1, 1, SType::kFloat, false, "degrees to radians"},
      {"isNaN", 1, 1, SType::kBool, false, "whether a number is NaN"},
      {"substring", 2, 3, SType::kString, false, "substring(s, start[, length]), in characters from 0"},
      {"replace", 3, 3, SType::kString, false, "replace(s, search, replacement)"},
      {"split", 2, 2, SType::kList, false, "split(s, delimiter)"},
      {"range", 2, 3, SType::kList, false, "range(from, to[, step]): integers, both ends included"},
  };
  return table;
}

const FunctionSig* find_function(std::string_view name) {
  for (const auto& f : functions()) {
    if (iequals(f.name, name)) return &f;
  }
  return nullptr;
}

// Long: a table, one entry a procedure (docs/query.md section 7), read top to bottom.
const std::vector<ProcedureSig>& procedures() {
  static const std::vector<ProcedureSig> table{
      {"allies",
       {"state", "at", "obligations", "hops", "include_signed"},
       1,
       {{"ally", SType::kNode, "the allied state"},
        {"treaty", SType::kNode, "the treaty of the link (for hops > 1: the last link)"},
        {"status", SType::kString, "'in force' or 'signed, not in force'"},
        {"hops", SType::kInt, "treaty hops from the state"},
        {"obligations", SType::kList, "the obligations asked for that the link carries"},
        {"articles", SType::kList, "the numbers of the treaty's articles creating them"},
        {"via", SType::kNode, "the state the link starts from"}},
       "allies(state, at [, obligations = ['defense'] [, hops = 1 [, include_signed = false]]]): a state's treaty "
       "allies on a date (at: null takes the AT DATE), one row per linking treaty"},
      {"visits",
       {"visitor", "host", "from", "to", "met"},
       0,
       {{"visit", SType::kNode, "the Visit"},
        {"visitor", SType::kNode, "the Person who made it"},
        {"host", SType::kNode, "the host State"},
        {"start", SType::kDate, "its first day"},
        {"end", SType::kDate, "its last day (inclusive), or null"},
        {"office", SType::kString, "the visitor's office on the trip"},
        {"number", SType::kInt, "the visitor's nth visit to that host"},
        {"number_in_office", SType::kInt, "nth in that office (0: unknown)"},
        {"previous", SType::kDate, "the start of the visitor's previous visit to that host"},
        {"gap_days", SType::kInt, "days since the previous visit"},
        {"gap", SType::kString, "the gap in words ('7 years')"},
        {"met", SType::kList, "the persons met"},
        {"produced", SType::kList, "the treaties and agreements signed"}},
       "visits([visitor [, host [, from [, to [, met]]]]]): visits in time order, each numbered among the visitor's "
       "visits to that host (null: any)"},
      {"shortest_path",
       {"from", "to", "via", "at"},
       2,
       {{"path", SType::kPath, "a shortest path (fewest relationships), either direction"},
        {"length", SType::kInt, "its relationships"}},
       "shortest_path(from, to [, via = all types [, at]]): a shortest connection, every node and relationship valid "
       "on the date (at: null takes the AT DATE); no row when there is none"},
      {"path", {"from", "to", "via", "at"}, 2, {{"path", SType::kPath, "as shortest_path"}, {"length", SType::kInt, "its relationships"}},
       "path(...): the same as shortest_path(...)"},
      {"temporal_path",
       {"from", "to", "via", "leaving"},
       2,
       {{"path", SType::kPath, "the earliest-arriving time-respecting path, either direction"},
        {"length", SType::kInt, "its relationships"},
        {"taken", SType::kList, "the date each relationship is taken (null: undated)"},
        {"arrival", SType::kDate, "the date it arrives (null: undated)"}},
       "temporal_path(from, to [, via = all types [, leaving]]): a path whose steps are taken on dates that never go "
       "back, each relationship and its ends valid on its date, arriving as early as possible (leaving on that date "
       "or later); no row when there is none. AT DATE does not apply to it"},
      {"officeholders",
       {"of", "at", "office"},
       1,
       {{"person", SType::kNode, "the office holder"},
        {"office", SType::kString, "the office"},
        {"of", SType::kNode, "the State or Organization"},
        {"from", SType::kDate, "the start of the term"},
        {"to", SType::kDate, "its end (exclusive), or null"}},
       "officeholders(of, at [, office]): who held which office of a state or organization on a date"},
      {"treaties",
       {"state", "other", "at"},
       1,
       {{"treaty", SType::kNode, "the treaty"},
        {"status", SType::kString, "'not yet signed', 'signed', 'in force' or 'terminated' on the date"},
        {"parties", SType::kList, "its parties"},
        {"replaces", SType::kList, "the treaties it replaced, nearest first"},
        {"replaced_by", SType::kList, "the treaties that replaced it, nearest first"}},
       "treaties(state [, other [, at]]): the treaties of a state (or two), by signature date"},
      {"blocs",
       {"at", "obligations"},
       0,
       {{"bloc", SType::kInt, "the bloc's number, largest first, from 1"},
        {"states", SType::kList, "its states"},
        {"treaties", SType::kList, "the treaties holding it together"}},
       "blocs([at [, obligations]]): the connected components of the alliance network on a date"},
      {"procedures",
       {},
       0,
       {{"name", SType::kString, "the procedure's name"}, {"signature", SType::kString, "its arguments and what it does"},
        {"yields", SType::kList, "the columns it yields"}},
       "procedures(): the procedures"},
      {"functions",
       {},
       0,
       {{"name", SType::kString, "the function's name"}, {"aggregate", SType::kBool, "whether it aggregates rows"},
        {"description", SType::kString, "what it gives"}},
       "functions(): the functions"},
  };
  return table;
}

int find_procedure(std::string_view name) {
  const auto& t = procedures();
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (iequals(t[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace entente::ql
