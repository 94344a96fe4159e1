#include "query/parse/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "common/error.h"
#include "common/text.h"

namespace entente::ql {

const char* ast::stype_name(SType t) {
  switch (t) {
    case SType::kAny: return "Any";
    case SType::kNull: return "Null";
    case SType::kBool: return "Boolean";
    case SType::kInt: return "Integer";
    case SType::kFloat: return "Float";
    case SType::kString: return "String";
    case SType::kDate: return "Date";
    case SType::kList: return "List";
    case SType::kMap: return "Map";
    case SType::kNode: return "Node";
    case SType::kEdge: return "Relationship";
    case SType::kPath: return "Path";
  }
  return "?";
}

const char* ast::binop_text(BinOp op) {
  switch (op) {
    case BinOp::kOr: return "OR";
    case BinOp::kXor: return "XOR";
    case BinOp::kAnd: return "AND";
    case BinOp::kEq: return "=";
    case BinOp::kNe: return "<>";
    case BinOp::kLt: return "<";
    case BinOp::kLe: return "<=";
    case BinOp::kGt: return ">";
    case BinOp::kGe: return ">=";
    case BinOp::kIn: return "IN";
    case BinOp::kStartsWith: return "STARTS WITH";
    case BinOp::kEndsWith: return "ENDS WITH";
    case BinOp::kContains: return "CONTAINS";
    case BinOp::kAdd: return "+";
    case BinOp::kSub: return "-";
    case BinOp::kMul: return "*";
    case BinOp::kDiv: return "/";
    case BinOp::kMod: return "%";
    case BinOp::kPow: return "^";
  }
  return "?";
}

const char* ast::quant_text(Quant q) {
  switch (q) {
    case Quant::kAll: return "all";
    case Quant::kAny: return "any";
    case Quant::kNone: return "none";
    case Quant::kSingle: return "single";
  }
  return "?";
}

// A named namespace, not an unnamed one: its using-directive then reaches only this file's
// code, not the rest of entente::ql (a unity build puts the binder, with its own `bound`
// names, in the same translation unit).
namespace parse_impl {

using namespace ast;

// Words that start or join clauses: they cannot name a variable without back-quotes.
const std::vector<std::string>& reserved() {
  static const std::vector<std::string> words{
      "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH",   "AS",     "AND",    "OR",    "XOR",   "NOT",  "IN",
      "IS",    "NULL",     "TRUE",  "FALSE",  "DISTINCT", "ORDER", "SKIP", "LIMIT", "CALL", "YIELD", "UNWIND",
      "AT",    "CREATE",   "MERGE", "DELETE", "SET",    "REMOVE", "UNION", "DETACH"};
  return words;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), toks_(lex(text)) {}

  Query run() {
    Query q;
    if (is_kw("EXPLAIN")) {
      next();
      q.explain = true;
    } else if (is_kw("PROFILE")) {
      next();
      q.profile = true;
    }
    if (at(Tok::kEnd) || at(Tok::kSemicolon)) fail(cur(), "empty query: expected MATCH, CALL, UNWIND, WITH or RETURN");
    body(q, Ends::kStatement);
    // AT DATE and AS OF, in either order, each at most once.
    for (;;) {
      if (is_kw("AT") && !q.at_date) {
        q.at_pos = cur().pos;
        next();
        if (!is_kw("DATE")) fail(cur(), fmt::format("expected DATE after AT, found {}", describe(cur())));
        next();
        q.at_date = expression();
      } else if (at_as_of() && !q.as_of) {
        q.as_of_pos = cur().pos;
        next();
        next();  // OF
        if (is_kw("COMMIT")) {
          next();
          q.as_of_commit = true;
          q.as_of = expression();
        } else if (kw_of(cur(), "DATETIME") && peek_tok().kind == Tok::kLParen) {
          // datetime('2026-12-08T10:30:00Z'): the time, as text (the language has no
          // datetime type: the function exists here alone).
          next();
          next();
          q.as_of = expression();
          if (!at(Tok::kRParen)) fail(cur(), fmt::format("expected ')' after datetime's text, found {}", describe(cur())));
          next();
        } else {
          q.as_of = expression();
        }
      } else {
        break;
      }
    }
    if (at(Tok::kSemicolon)) next();
    if (!at(Tok::kEnd)) {
      if (is_kw("MATCH") || is_kw("WITH") || is_kw("RETURN") || is_kw("CALL") || is_kw("UNWIND") || is_kw("OPTIONAL")) {
        fail(cur(), fmt::format("unexpected {} after RETURN: RETURN ends the query (use WITH to chain parts)",
                                describe(cur())));
      }
      fail(cur(), fmt::format("unexpected {} after the end of the query", describe(cur())));
    }
    return q;
  }

 private:
  // ---- tokens
  const Token& cur() const { return toks_[i_]; }
  const Token& peek_tok(std::size_t k = 1) const { return toks_[std::min(i_ + k, toks_.size() - 1)]; }
  bool at(Tok k) const { return cur().kind == k; }
  void next() {
    last_end_ = cur().end;
    if (i_ + 1 < toks_.size()) ++i_;
  }
  bool is_kw(const char* kw) const { return at(Tok::kIdent) && upper(cur().text) == kw; }
  static bool kw_of(const Token& t, const char* kw) { return t.kind == Tok::kIdent && upper(t.text) == kw; }

  [[noreturn]] void fail(const Token& t, const std::string& why) const {
    throw invalid("line {}:{}: {}", t.pos.line, t.pos.col, why);
  }
  [[noreturn]] void fail(Pos p, const std::string& why) const { throw invalid("line {}:{}: {}", p.line, p.col, why); }

  void expect(Tok k, const char* context) {
    if (!at(k)) fail(cur(), fmt::format("expected {} {}, found {}", describe(k), context, describe(cur())));
    next();
  }
  void expect_kw(const char* kw, const char* context) {
    if (!is_kw(kw)) fail(cur(), fmt::format("expected {} {}, found {}", kw, context, describe(cur())));
    next();
  }

  [[noreturn]] void clause_error() {
    std::string hint;
    if (at(Tok::kIdent)) {
      hint = text::did_you_mean(upper(cur().text),
                                {"MATCH", "OPTIONAL", "CALL", "UNWIND", "WITH", "RETURN", "WHERE", "ORDER", "LIMIT", "SKIP"});
      std::string u = upper(cur().text);
      if (u == "CREATE" || u == "MERGE" || u == "DELETE" || u == "SET" || u == "REMOVE" || u == "DETACH" ||
          u == "FOREACH" || u == "INSERT") {
        fail(cur(), fmt::format("not supported: {} (queries only read: write with entente import or the C++ API)", u));
      }
      if (u == "LOAD") fail(cur(), "not supported: LOAD CSV (import files with entente import)");
      if (u == "USE") fail(cur(), "not supported: USE (a query reads the database it is given)");
      if (u == "SHOW" || u == "TERMINATE") fail(cur(), fmt::format("not supported: {} (use :schema, :procedures and :functions in the shell)", u));
      if (u == "FINISH" || u == "FILTER" || u == "LET") fail(cur(), fmt::format("not supported: {}", u));
      if (u == "WHERE") fail(cur(), "WHERE must follow MATCH, OPTIONAL MATCH, WITH or CALL ... YIELD");
    }
    fail(cur(), fmt::format("expected MATCH, OPTIONAL MATCH, CALL, UNWIND, WITH or RETURN, found {}{}", describe(cur()), hint));
  }

  // A variable, label, property or function name: an identifier that is not reserved, or a
  // back-quoted name.
  std::string name(const char* what) {
    if (at(Tok::kQuoted)) {
      std::string n = cur().text;
      next();
      return n;
    }
    if (!at(Tok::kIdent)) fail(cur(), fmt::format("expected {}, found {}", what, describe(cur())));
    std::string u = upper(cur().text);
    const auto& r = reserved();
    if (std::find(r.begin(), r.end(), u) != r.end()) {
      fail(cur(), fmt::format("expected {}, found the keyword {} (quote a name that is a keyword: `{}`)", what, u,
                              cur().text));
    }
    std::string n = cur().text;
    next();
    return n;
  }
  // A label, type, property or map key: any identifier, keywords included (n.order, {end: ...}).
  std::string symbolic(const char* what) {
    if (at(Tok::kQuoted) || at(Tok::kIdent)) {
      std::string n = cur().text;
      next();
      return n;
    }
    fail(cur(), fmt::format("expected {}, found {}", what, describe(cur())));
  }

  // ---- depth guard
  struct Deeper {
    Parser& p;
    Deeper(Parser& parser, const Token& at) : p(parser) {
      if (++p.depth_ > kMaxDepth) {
        p.fail(at, fmt::format("the query is nested deeper than the limit of {} levels", kMaxDepth));
      }
    }
    ~Deeper() { --p.depth_; }
  };

  ExprPtr make(ExprKind kind, Pos pos, std::size_t begin) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->pos = pos;
    e->text = std::string(text_.substr(begin, last_end_ - begin));
    return e;
  }
  // Sets the text and depth of an expression built from children.
  void finish(Expr& e, std::size_t begin) {
    e.text = std::string(text_.substr(begin, last_end_ - begin));
    int d = 0;
    for (const auto& a : e.args) d = std::max(d, a->depth);
    e.depth = d + 1;
    if (e.depth > kMaxDepth) {
      fail(e.pos, fmt::format("the expression is nested deeper than the limit of {} levels", kMaxDepth));
    }
  }

  // ---- queries
  // Where a query's text ends: the statement (end, ';', AT DATE), the '}' of a subquery
  // that must RETURN (COLLECT, CALL), or one that need not (EXISTS, COUNT).
  enum class Ends { kStatement, kBraceReturn, kBrace };

  // AS OF at a statement's end (record time), told from a column's alias named OF by what
  // follows: COMMIT, a string, a parameter, or a function's call.
  bool at_as_of() const {
    if (!is_kw("AS") || !kw_of(peek_tok(), "OF")) return false;
    const Token& t = peek_tok(2);
    return kw_of(t, "COMMIT") || t.kind == Tok::kString || t.kind == Tok::kParam ||
           (t.kind == Tok::kIdent && peek_tok(3).kind == Tok::kLParen);
  }

  bool at_end_of(Ends ends) const {
    if (ends == Ends::kStatement) {
      return at(Tok::kEnd) || at(Tok::kSemicolon) || is_kw("AT") || at_as_of() || is_kw("UNION");
    }
    return at(Tok::kRBrace) || is_kw("UNION");
  }

  // A query: parts joined by UNION [ALL].
  void body(Query& q, Ends ends) {
    q.clauses = part(ends);
    while (is_kw("UNION")) {
      UnionPart u;
      u.pos = cur().pos;
      next();
      if (is_kw("ALL")) {
        next();
        u.all = true;
      }
      if (!q.unions.empty() && q.unions.front().all != u.all) {
        fail(u.pos, "UNION and UNION ALL cannot be mixed in one query");
      }
      u.clauses = part(ends);
      q.unions.push_back(std::move(u));
    }
  }

  // One part: clauses up to a RETURN (or the end, where the query may end without one).
  std::vector<Clause> part(Ends ends) {
    std::vector<Clause> clauses;
    if (at_end_of(ends) || at(Tok::kEnd)) {
      fail(cur(), fmt::format("expected MATCH, OPTIONAL MATCH, CALL, UNWIND, WITH or RETURN, found {}", describe(cur())));
    }
    for (;;) {
      if (clauses.size() >= static_cast<std::size_t>(kMaxDepth)) {
        fail(cur(), fmt::format("too many clauses (the limit is {})", kMaxDepth));
      }
      if (is_kw("MATCH") || is_kw("OPTIONAL")) {
        clauses.emplace_back(match());
      } else if (is_kw("CALL")) {
        if (peek_tok().kind == Tok::kLBrace || peek_tok().kind == Tok::kLParen) {
          clauses.emplace_back(call_subquery());
        } else {
          clauses.emplace_back(call());
        }
      } else if (is_kw("UNWIND")) {
        clauses.emplace_back(unwind());
      } else if (is_kw("WITH")) {
        clauses.emplace_back(projection(false));
      } else if (is_kw("RETURN")) {
        clauses.emplace_back(projection(true));
        return clauses;
      } else if (at_end_of(ends) || at(Tok::kEnd)) {
        const bool standalone_call = std::holds_alternative<Call>(clauses.back());
        if (ends == Ends::kBrace && !at(Tok::kEnd)) return clauses;  // EXISTS { }, COUNT { }: RETURN optional
        if (ends == Ends::kStatement && standalone_call) return clauses;
        if (ends == Ends::kBrace) fail(cur(), fmt::format("expected '}}' to close the subquery, found {}", describe(cur())));
        fail(cur(), fmt::format("expected RETURN, found {}: {}", describe(cur()),
                                ends == Ends::kStatement ? "a query ends with RETURN (or is a single CALL)"
                                                         : "this subquery ends with RETURN"));
      } else {
        clause_error();
      }
    }
  }

  // CALL { query } or CALL (a, b) { query } / CALL (*) { query }.
  CallSubquery call_subquery() {
    CallSubquery c;
    c.pos = cur().pos;
    next();
    if (at(Tok::kLParen)) {
      c.scoped = true;
      next();
      if (at(Tok::kStar)) {
        next();
        c.import_all = true;
      } else if (!at(Tok::kRParen)) {
        do {
          if (!c.imports.empty()) next();
          c.import_pos.push_back(cur().pos);
          c.imports.push_back(name("a variable to import"));
        } while (at(Tok::kComma));
      }
      expect(Tok::kRParen, "to close the variables the subquery imports");
    }
    Deeper guard(*this, cur());
    expect(Tok::kLBrace, "to start the subquery");
    c.body = std::make_shared<Query>();
    body(*c.body, Ends::kBraceReturn);
    expect(Tok::kRBrace, "to close the subquery");
    if (is_kw("IN")) fail(cur(), "not supported: CALL { } IN TRANSACTIONS (queries only read)");
    return c;
  }

  // ---- clauses
  Match match() {
    Match m;
    m.pos = cur().pos;
    if (is_kw("OPTIONAL")) {
      next();
      if (is_kw("CALL")) fail(cur(), "not supported: OPTIONAL CALL (use OPTIONAL MATCH, or a CALL { } subquery that returns nulls)");
      expect_kw("MATCH", "after OPTIONAL");
      m.optional = true;
    } else {
      next();
    }
    patterns_and_where(m);
    return m;
  }

  // pattern { "," pattern } [ WHERE expression ]: the body of a MATCH, and of EXISTS { } and
  // COUNT { } in their short form.
  void patterns_and_where(Match& m) {
    m.patterns.push_back(pattern());
    while (at(Tok::kComma)) {
      next();
      if (m.patterns.size() >= static_cast<std::size_t>(kMaxDepth)) fail(cur(), "too many patterns in one MATCH");
      m.patterns.push_back(pattern());
    }
    if (is_kw("WHERE")) {
      next();
      m.where = expression();
    }
  }

  Call call() {
    Call c;
    c.pos = cur().pos;
    next();
    c.name = name("a procedure name");
    while (at(Tok::kDot)) {  // db.schema style names
      next();
      c.name += "." + symbolic("a procedure name");
    }
    expect(Tok::kLParen, "after the procedure name");
    if (!at(Tok::kRParen)) {
      c.args.push_back(expression());
      while (at(Tok::kComma)) {
        next();
        c.args.push_back(expression());
      }
    }
    expect(Tok::kRParen, "to close the procedure's arguments");
    if (is_kw("YIELD")) {
      next();
      c.has_yield = true;
      if (at(Tok::kStar)) {
        next();  // YIELD *: every column, as without YIELD
      } else {
        do {
          if (!c.yields.empty()) next();
          YieldItem y;
          y.pos = cur().pos;
          y.name = name("a column name after YIELD");
          if (is_kw("AS")) {
            next();
            y.alias = symbolic("a name after AS");
          }
          c.yields.push_back(std::move(y));
        } while (at(Tok::kComma));
      }
      if (is_kw("WHERE")) {
        next();
        c.where = expression();
      }
    }
    return c;
  }

  Unwind unwind() {
    Unwind u;
    u.pos = cur().pos;
    next();
    u.expr = expression();
    expect_kw("AS", "after UNWIND's expression");
    u.var = name("a variable name after AS");
    return u;
  }

  Projection projection(bool is_return) {
    Projection p;
    p.pos = cur().pos;
    p.is_return = is_return;
    next();
    if (is_kw("DISTINCT")) {
      next();
      p.distinct = true;
    }
    if (at(Tok::kStar)) {
      next();
      p.star = true;
      if (at(Tok::kComma)) fail(cur(), "'*' must be the only item of the projection");
    } else {
      do {
        if (!p.items.empty()) next();
        ReturnItem item;
        item.expr = expression();
        if (is_kw("AS") && !at_as_of()) {
          next();
          item.alias = symbolic("a column name after AS");
          item.aliased = true;
        } else {
          item.alias = item.expr->text;
        }
        p.items.push_back(std::move(item));
      } while (at(Tok::kComma));
    }
    if (is_kw("ORDER")) {
      next();
      expect_kw("BY", "after ORDER");
      do {
        if (!p.order.empty()) next();
        SortItem s;
        s.expr = expression();
        if (is_kw("ASC") || is_kw("ASCENDING")) {
          next();
        } else if (is_kw("DESC") || is_kw("DESCENDING")) {
          next();
          s.descending = true;
        }
        p.order.push_back(std::move(s));
      } while (at(Tok::kComma));
    }
    if (is_kw("SKIP")) {
      next();
      p.skip = expression();
    }
    if (is_kw("LIMIT")) {
      next();
      p.limit = expression();
    }
    if (is_kw("WHERE")) {
      if (is_return) fail(cur(), "WHERE cannot follow RETURN: filter with WITH ... WHERE before it");
      next();
      p.where = expression();
    }
    return p;
  }

  // ---- patterns
  PathPattern pattern() {
    PathPattern p;
    p.pos = cur().pos;
    if ((at(Tok::kIdent) || at(Tok::kQuoted)) && peek_tok().kind == Tok::kEq) {
      p.var = name("a path variable");
      next();  // '='
    }
    if (at(Tok::kIdent) && (upper(cur().text) == "SHORTESTPATH" || upper(cur().text) == "ALLSHORTESTPATHS")) {
      if (upper(cur().text) == "ALLSHORTESTPATHS") fail(cur(), "not supported: allShortestPaths; use shortestPath");
      next();
      p.shortest = true;
      expect(Tok::kLParen, "after shortestPath");
      path(p);
      expect(Tok::kRParen, "to close shortestPath(...)");
      if (p.rels.size() != 1) fail(p.pos, "shortestPath needs a pattern of one relationship: shortestPath((a)-[*..5]-(b))");
      return p;
    }
    path(p);
    return p;
  }

  void path(PathPattern& p) {
    p.nodes.push_back(node());
    while (at(Tok::kMinus) || (at(Tok::kLt) && peek_tok().kind == Tok::kMinus)) {
      if (p.rels.size() >= static_cast<std::size_t>(kMaxDepth)) fail(cur(), "the pattern is longer than the limit");
      p.rels.push_back(relationship());
      p.nodes.push_back(node());
    }
  }

  NodePattern node() {
    NodePattern n;
    n.pos = cur().pos;
    if (!at(Tok::kLParen)) fail(cur(), fmt::format("expected '(' to start a node pattern, found {}", describe(cur())));
    next();
    if (at(Tok::kIdent) || at(Tok::kQuoted)) n.var = name("a variable name");
    if (at(Tok::kColon)) label_alternatives(n.labels, n.label_pos, "(n:Treaty|Agreement), not (n:Treaty:Agreement)");
    if (at(Tok::kLBrace)) n.props = prop_map();
    if (!at(Tok::kRParen)) {
      fail(cur(), fmt::format("expected ')' to close the node pattern, found {}", describe(cur())));
    }
    next();
    return n;
  }

  // ":" Label { "|" [":"] Label } at a ':': a node's type and its alternatives. A node has
  // one type, so ":A:B" (both) is refused, `example` showing how to write alternatives.
  void label_alternatives(std::vector<std::string>& labels, std::vector<Pos>& pos, const char* example) {
    next();  // ':'
    pos.push_back(cur().pos);
    labels.push_back(symbolic("a node type after ':'"));
    while (at(Tok::kPipe) || at(Tok::kColon)) {
      if (at(Tok::kColon)) fail(cur(), fmt::format("a node has one type: write alternatives as {}", example));
      next();
      if (at(Tok::kColon)) next();
      pos.push_back(cur().pos);
      labels.push_back(symbolic("a node type after '|'"));
    }
  }

  RelPattern relationship() {
    RelPattern r;
    r.pos = cur().pos;
    bool left = false, right = false;
    if (at(Tok::kLt)) {
      left = true;
      next();
    }
    expect(Tok::kMinus, "in a relationship pattern");
    if (at(Tok::kLBracket)) {
      next();
      if (at(Tok::kIdent) || at(Tok::kQuoted)) r.var = name("a variable name");
      if (at(Tok::kColon)) {
        next();
        r.type_pos.push_back(cur().pos);
        r.types.push_back(symbolic("a relationship type after ':'"));
        while (at(Tok::kPipe)) {
          next();
          if (at(Tok::kColon)) next();
          r.type_pos.push_back(cur().pos);
          r.types.push_back(symbolic("a relationship type after '|'"));
        }
      }
      if (at(Tok::kStar)) {
        Pos star = cur().pos;
        next();
        r.var_length = true;
        r.min = 1;
        bool has_max = false;
        if (at(Tok::kInt)) {
          r.min = small_int("the minimum length");
          if (at(Tok::kDotDot)) {
            next();
            if (at(Tok::kInt)) {
              r.max = small_int("the maximum length");
              has_max = true;
            }
          } else {
            r.max = r.min;  // *2: exactly two
            has_max = true;
          }
        } else if (at(Tok::kDotDot)) {
          next();
          if (at(Tok::kInt)) {
            r.max = small_int("the maximum length");
            has_max = true;
          }
        }
        if (!has_max) {
          fail(star, fmt::format("a variable-length relationship needs an upper bound, e.g. *1..3 (at most {})",
                                 kMaxHops));
        }
        if (r.max > kMaxHops) fail(star, fmt::format("the upper bound {} is over the limit of {} hops", r.max, kMaxHops));
        if (r.min > r.max) fail(star, fmt::format("the lower bound {} is above the upper bound {}", r.min, r.max));
      }
      if (at(Tok::kLBrace)) r.props = prop_map();
      if (!at(Tok::kRBracket)) {
        fail(cur(), fmt::format("expected ']' to close the relationship pattern, found {}", describe(cur())));
      }
      next();
    }
    expect(Tok::kMinus, "in a relationship pattern");
    if (at(Tok::kGt)) {
      right = true;
      next();
    }
    if (left && right) fail(r.pos, "a relationship has one direction: use <-[]- , -[]-> or -[]- (either)");
    r.dir = left ? Direction::kIn : right ? Direction::kOut : Direction::kBoth;
    return r;
  }

  int small_int(const char* what) {
    const Token& t = cur();
    int v = 0;
    auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (ec != std::errc() || ptr != t.text.data() + t.text.size() || v > 1000000) {
      fail(t, fmt::format("{} {} is too large", what, t.text));
    }
    next();
    return v;
  }

  std::vector<PropEntry> prop_map() {
    std::vector<PropEntry> out;
    expect(Tok::kLBrace, "");
    if (!at(Tok::kRBrace)) {
      do {
        if (!out.empty()) next();
        PropEntry e;
        e.pos = cur().pos;
        e.key = symbolic("a property name");
        for (const auto& other : out) {
          if (other.key == e.key) fail(e.pos, fmt::format("property '{}' is given twice", e.key));
        }
        expect(Tok::kColon, "after the property name");
        e.value = expression();
        out.push_back(std::move(e));
      } while (at(Tok::kComma));
    }
    if (!at(Tok::kRBrace)) fail(cur(), fmt::format("expected '}}' or ',' in the property map, found {}", describe(cur())));
    next();
    return out;
  }

  // ---- expressions
  ExprPtr expression() {
    Deeper guard(*this, cur());
    return or_expr();
  }

  ExprPtr binary(BinOp op, ExprPtr l, ExprPtr r, Pos pos, std::size_t begin) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kBinary;
    e->op = op;
    e->pos = pos;
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    finish(*e, begin);
    return e;
  }

  ExprPtr or_expr() {
    std::size_t begin = cur().begin;
    auto l = xor_expr();
    while (is_kw("OR")) {
      Pos p = cur().pos;
      next();
      l = binary(BinOp::kOr, std::move(l), xor_expr(), p, begin);
    }
    return l;
  }
  ExprPtr xor_expr() {
    std::size_t begin = cur().begin;
    auto l = and_expr();
    while (is_kw("XOR")) {
      Pos p = cur().pos;
      next();
      l = binary(BinOp::kXor, std::move(l), and_expr(), p, begin);
    }
    return l;
  }
  ExprPtr and_expr() {
    std::size_t begin = cur().begin;
    auto l = not_expr();
    while (is_kw("AND")) {
      Pos p = cur().pos;
      next();
      l = binary(BinOp::kAnd, std::move(l), not_expr(), p, begin);
    }
    return l;
  }
  ExprPtr not_expr() {
    if (is_kw("NOT")) {
      Deeper guard(*this, cur());
      std::size_t begin = cur().begin;
      Pos p = cur().pos;
      next();
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::kNot;
      e->pos = p;
      e->args.push_back(not_expr());
      finish(*e, begin);
      return e;
    }
    return comparison();
  }
  ExprPtr comparison() {
    std::size_t begin = cur().begin;
    auto l = additive();
    for (;;) {
      Pos p = cur().pos;
      std::optional<BinOp> op;
      switch (cur().kind) {
        case Tok::kEq: op = BinOp::kEq; break;
        case Tok::kNe: op = BinOp::kNe; break;
        case Tok::kLt: op = BinOp::kLt; break;
        case Tok::kLe: op = BinOp::kLe; break;
        case Tok::kGt: op = BinOp::kGt; break;
        case Tok::kGe: op = BinOp::kGe; break;
        case Tok::kRegex:
          fail(cur(), "not supported: =~ (regular expressions); use STARTS WITH, ENDS WITH or CONTAINS");
        default: break;
      }
      if (op) {
        next();
        l = binary(*op, std::move(l), additive(), p, begin);
        continue;
      }
      if (is_kw("IN")) {
        next();
        l = binary(BinOp::kIn, std::move(l), additive(), p, begin);
      } else if (is_kw("STARTS") || is_kw("ENDS")) {
        BinOp o = is_kw("STARTS") ? BinOp::kStartsWith : BinOp::kEndsWith;
        next();
        expect_kw("WITH", o == BinOp::kStartsWith ? "after STARTS" : "after ENDS");
        l = binary(o, std::move(l), additive(), p, begin);
      } else if (is_kw("CONTAINS")) {
        next();
        l = binary(BinOp::kContains, std::move(l), additive(), p, begin);
      } else if (is_kw("IS")) {
        next();
        bool negated = false;
        if (is_kw("NOT")) {
          next();
          negated = true;
        }
        expect_kw("NULL", negated ? "after IS NOT" : "after IS");
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kIsNull;
        e->negated = negated;
        e->pos = p;
        e->args.push_back(std::move(l));
        finish(*e, begin);
        l = std::move(e);
      } else {
        return l;
      }
    }
  }
  ExprPtr additive() {
    std::size_t begin = cur().begin;
    auto l = multiplicative();
    while (at(Tok::kPlus) || at(Tok::kMinus)) {
      Pos p = cur().pos;
      BinOp op = at(Tok::kPlus) ? BinOp::kAdd : BinOp::kSub;
      next();
      l = binary(op, std::move(l), multiplicative(), p, begin);
    }
    return l;
  }
  ExprPtr multiplicative() {
    std::size_t begin = cur().begin;
    auto l = power();
    while (at(Tok::kStar) || at(Tok::kSlash) || at(Tok::kPercent)) {
      Pos p = cur().pos;
      BinOp op = at(Tok::kStar) ? BinOp::kMul : at(Tok::kSlash) ? BinOp::kDiv : BinOp::kMod;
      next();
      l = binary(op, std::move(l), power(), p, begin);
    }
    return l;
  }
  ExprPtr power() {
    std::size_t begin = cur().begin;
    auto l = unary();
    while (at(Tok::kCaret)) {
      Pos p = cur().pos;
      next();
      l = binary(BinOp::kPow, std::move(l), unary(), p, begin);
    }
    return l;
  }
  ExprPtr unary() {
    if (at(Tok::kMinus) || at(Tok::kPlus)) {
      Deeper guard(*this, cur());
      std::size_t begin = cur().begin;
      Pos p = cur().pos;
      bool minus = at(Tok::kMinus);
      next();
      auto operand = unary();
      if (!minus) return operand;
      // A negative number literal stays a literal (so that -9223372036854775808 fits).
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::kNeg;
      e->pos = p;
      e->args.push_back(std::move(operand));
      finish(*e, begin);
      return e;
    }
    return postfix();
  }
  ExprPtr postfix() {
    std::size_t begin = cur().begin;
    auto e = atom();
    for (;;) {
      if (at(Tok::kDot)) {
        next();
        auto prop = std::make_unique<Expr>();
        prop->kind = ExprKind::kProp;
        prop->pos = e->pos;
        prop->name_pos = cur().pos;
        prop->name = symbolic("a property name after '.'");
        prop->args.push_back(std::move(e));
        finish(*prop, begin);
        e = std::move(prop);
      } else if (at(Tok::kLBracket)) {
        Pos p = cur().pos;
        next();
        auto idx = std::make_unique<Expr>();
        idx->kind = ExprKind::kIndex;
        idx->pos = p;
        idx->args.push_back(std::move(e));
        if (!at(Tok::kDotDot)) idx->args.push_back(expression());
        if (at(Tok::kDotDot)) {  // a slice: l[1..3], l[..2], l[1..]
          next();
          idx->kind = ExprKind::kSlice;
          idx->has_from = idx->args.size() == 2;
          if (!at(Tok::kRBracket)) {
            idx->args.push_back(expression());
            idx->has_to = true;
          }
        }
        expect(Tok::kRBracket, idx->kind == ExprKind::kSlice ? "to close the slice" : "to close the index");
        finish(*idx, begin);
        e = std::move(idx);
      } else if (at(Tok::kLBrace) && e->kind == ExprKind::kVar) {
        e = map_projection(std::move(e), begin);
      } else if (at(Tok::kColon)) {
        // n:State, n:Treaty|Agreement: whether the node has one of the types.
        auto has = std::make_unique<Expr>();
        has->kind = ExprKind::kHasLabel;
        has->pos = e->pos;
        std::vector<Pos> label_pos;
        label_alternatives(has->keys, label_pos, "n:Treaty|Agreement, not n:Treaty:Agreement");
        has->name_pos = label_pos.front();
        has->args.push_back(std::move(e));
        finish(*has, begin);
        e = std::move(has);
      } else {
        return e;
      }
    }
  }

  ExprPtr atom() {
    const Token& t = cur();
    std::size_t begin = t.begin;
    Pos p = t.pos;
    switch (t.kind) {
      case Tok::kInt: {
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kLiteral;
        e->pos = p;
        std::int64_t v = 0;
        auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
        if (ec != std::errc() || ptr != t.text.data() + t.text.size()) {
          fail(t, fmt::format("the integer {} is out of range (-9223372036854775808..9223372036854775807)", t.text));
        }
        e->value = Value(v);
        next();
        finish(*e, begin);
        return e;
      }
      case Tok::kFloat: {
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kLiteral;
        e->pos = p;
        double v = std::strtod(t.text.c_str(), nullptr);
        if (!std::isfinite(v)) fail(t, fmt::format("the number {} is out of range", t.text));
        e->value = Value(v);
        next();
        finish(*e, begin);
        return e;
      }
      case Tok::kString: {
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kLiteral;
        e->pos = p;
        e->value = Value(t.text);
        next();
        finish(*e, begin);
        return e;
      }
      case Tok::kParam: {
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kParam;
        e->pos = p;
        e->name = t.text;
        next();
        finish(*e, begin);
        return e;
      }
      case Tok::kLParen: {
        // (a)-[:T]->(b) as a condition: a pattern predicate, EXISTS { (a)-[:T]->(b) }.
        if (auto pattern = try_pattern()) {
          Match m;
          m.pos = p;
          m.patterns.push_back(std::move(*pattern));
          return pattern_subquery(SubKind::kExists, p, std::move(m), nullptr, begin);
        }
        next();
        auto e = expression();
        expect(Tok::kRParen, "to close the parenthesis");
        return e;
      }
      case Tok::kLBracket: {
        Deeper guard(*this, t);
        if ((peek_tok().kind == Tok::kIdent || peek_tok().kind == Tok::kQuoted) && kw_of(peek_tok(2), "IN")) {
          return list_comprehension(begin);
        }
        if (peek_tok().kind == Tok::kLParen || ((peek_tok().kind == Tok::kIdent || peek_tok().kind == Tok::kQuoted) &&
                                                peek_tok(2).kind == Tok::kEq)) {
          if (auto e = try_pattern_comprehension(begin)) return e;
        }
        next();
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kList;
        e->pos = p;
        if (!at(Tok::kRBracket)) {
          e->args.push_back(expression());
          while (at(Tok::kComma)) {
            next();
            e->args.push_back(expression());
          }
        }
        if (!at(Tok::kRBracket)) fail(cur(), fmt::format("expected ']' or ',' in the list, found {}", describe(cur())));
        next();
        finish(*e, begin);
        return e;
      }
      case Tok::kLBrace: {
        Deeper guard(*this, t);
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kMap;
        e->pos = p;
        for (auto& entry : prop_map()) {
          e->keys.push_back(entry.key);
          e->args.push_back(std::move(entry.value));
        }
        finish(*e, begin);
        return e;
      }
      case Tok::kIdent:
      case Tok::kQuoted: {
        if (t.kind == Tok::kIdent) {
          std::string u = upper(t.text);
          if (u == "TRUE" || u == "FALSE" || u == "NULL") {
            auto e = std::make_unique<Expr>();
            e->kind = ExprKind::kLiteral;
            e->pos = p;
            e->value = u == "NULL" ? Value() : Value(u == "TRUE");
            next();
            finish(*e, begin);
            return e;
          }
          if (u == "CASE") return case_expr(begin);
          if ((u == "EXISTS" || u == "COUNT" || u == "COLLECT") && peek_tok().kind == Tok::kLBrace) {
            return subquery_expr(begin);
          }
          if (peek_tok().kind == Tok::kLParen) {
            if (u == "REDUCE") return reduce_expr(begin);
            if ((u == "ALL" || u == "ANY" || u == "NONE" || u == "SINGLE") &&
                (peek_tok(2).kind == Tok::kIdent || peek_tok(2).kind == Tok::kQuoted) && kw_of(peek_tok(3), "IN")) {
              return quantifier(begin);
            }
            if (u == "EXISTS") return exists_function(begin);
            return function(begin);
          }
        }
        auto e = std::make_unique<Expr>();
        e->kind = ExprKind::kVar;
        e->pos = p;
        e->name = name("an expression");
        finish(*e, begin);
        return e;
      }
      default:
        fail(t, fmt::format("expected an expression, found {}", describe(t)));
    }
  }

  ExprPtr function(std::size_t begin) {
    Deeper guard(*this, cur());
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kFunc;
    e->pos = cur().pos;
    e->name = cur().text;
    next();
    next();  // '('
    if (at(Tok::kStar)) {
      next();
      e->star = true;
    } else {
      if (is_kw("DISTINCT")) {
        next();
        e->distinct = true;
        if (at(Tok::kRParen)) fail(cur(), fmt::format("expected an expression after DISTINCT in {}()", e->name));
      }
      if (!at(Tok::kRParen)) {
        e->args.push_back(expression());
        while (at(Tok::kComma)) {
          next();
          e->args.push_back(expression());
        }
      }
    }
    if (!at(Tok::kRParen)) {
      fail(cur(), fmt::format("expected ')' or ',' in the arguments of {}(), found {}", e->name, describe(cur())));
    }
    next();
    finish(*e, begin);
    return e;
  }

  // ---- expressions with their own syntax

  // Restores the parser's place when a speculative parse fails.
  struct Mark {
    std::size_t i, last_end;
    int depth;
  };
  Mark mark() const { return {i_, last_end_, depth_}; }
  void reset(const Mark& m) {
    i_ = m.i;
    last_end_ = m.last_end;
    depth_ = m.depth;
  }

  // A pattern of at least one relationship here, or nothing (the parser's place unchanged).
  std::optional<PathPattern> try_pattern() {
    Mark m = mark();
    try {
      PathPattern p;
      p.pos = cur().pos;
      if ((at(Tok::kIdent) || at(Tok::kQuoted)) && peek_tok().kind == Tok::kEq) {
        p.var = name("a path variable");
        next();
      }
      path(p);
      if (!p.rels.empty()) return p;
    } catch (const Error&) {
    }
    reset(m);
    return std::nullopt;
  }

  // [x IN list WHERE pred | expr]
  ExprPtr list_comprehension(std::size_t begin) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kListComp;
    e->pos = cur().pos;
    next();  // '['
    e->var_pos = cur().pos;
    e->var = name("a variable");
    next();  // IN
    e->args.push_back(expression());
    if (is_kw("WHERE")) {
      next();
      e->has_where = true;
      e->args.push_back(expression());
    }
    if (at(Tok::kPipe)) {
      next();
      e->has_map = true;
      e->args.push_back(expression());
    }
    if (!at(Tok::kRBracket)) {
      fail(cur(), fmt::format("expected WHERE, '|' or ']' in the list comprehension, found {}", describe(cur())));
    }
    next();
    finish(*e, begin);
    return e;
  }

  // [(a)-[:T]->(b) WHERE pred | expr]: COLLECT { MATCH pattern WHERE pred RETURN expr }.
  ExprPtr try_pattern_comprehension(std::size_t begin) {
    Mark m = mark();
    Pos p = cur().pos;
    next();  // '['
    auto pattern = try_pattern();
    if (!pattern || !(is_kw("WHERE") || at(Tok::kPipe))) {
      reset(m);
      return nullptr;
    }
    Match match;
    match.pos = pattern->pos;
    match.patterns.push_back(std::move(*pattern));
    if (is_kw("WHERE")) {
      next();
      match.where = expression();
    }
    expect(Tok::kPipe, "in the pattern comprehension (write [(a)-->(b) | b.name])");
    ExprPtr returned = expression();
    if (!at(Tok::kRBracket)) fail(cur(), fmt::format("expected ']' to close the pattern comprehension, found {}", describe(cur())));
    next();
    return pattern_subquery(SubKind::kCollect, p, std::move(match), std::move(returned), begin);
  }

  // all(x IN list WHERE pred), any, none, single
  ExprPtr quantifier(std::size_t begin) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kQuantifier;
    e->pos = cur().pos;
    std::string u = upper(cur().text);
    e->quant = u == "ALL" ? Quant::kAll : u == "ANY" ? Quant::kAny : u == "NONE" ? Quant::kNone : Quant::kSingle;
    next();
    next();  // '('
    e->var_pos = cur().pos;
    e->var = name("a variable");
    next();  // IN
    e->args.push_back(expression());
    if (!is_kw("WHERE")) fail(cur(), fmt::format("expected WHERE in {}(x IN list WHERE condition), found {}", quant_text(e->quant), describe(cur())));
    next();
    e->has_where = true;
    e->args.push_back(expression());
    expect(Tok::kRParen, fmt::format("to close {}(...)", quant_text(e->quant)).c_str());
    finish(*e, begin);
    return e;
  }

  // reduce(acc = init, x IN list | expr)
  ExprPtr reduce_expr(std::size_t begin) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kReduce;
    e->pos = cur().pos;
    next();
    next();  // '('
    e->name_pos = cur().pos;
    e->name = name("the accumulator's name in reduce(acc = initial, x IN list | expression)");
    expect(Tok::kEq, "after the accumulator's name in reduce(acc = initial, x IN list | expression)");
    e->args.push_back(expression());
    expect(Tok::kComma, "after the accumulator's initial value in reduce(acc = initial, x IN list | expression)");
    e->var_pos = cur().pos;
    e->var = name("a variable in reduce(acc = initial, x IN list | expression)");
    expect_kw("IN", "in reduce(acc = initial, x IN list | expression)");
    e->args.push_back(expression());
    expect(Tok::kPipe, "in reduce(acc = initial, x IN list | expression)");
    e->args.push_back(expression());
    expect(Tok::kRParen, "to close reduce(...)");
    finish(*e, begin);
    return e;
  }

  // exists((a)-->(b)): the pattern predicate, as EXISTS { (a)-->(b) }.
  ExprPtr exists_function(std::size_t begin) {
    Pos p = cur().pos;
    next();
    next();  // '('
    auto pattern = try_pattern();
    if (!pattern) {
      fail(cur(), "not supported: exists() of a property (write n.prop IS NOT NULL); exists() takes a pattern, "
                  "exists((a)-->(b)), or write EXISTS { ... }");
    }
    expect(Tok::kRParen, "to close exists(...)");
    Match m;
    m.pos = pattern->pos;
    m.patterns.push_back(std::move(*pattern));
    return pattern_subquery(SubKind::kExists, p, std::move(m), nullptr, begin);
  }

  // A subquery expression of one MATCH, and for COLLECT the expression it returns: a
  // pattern predicate, exists(pattern), a pattern comprehension.
  ExprPtr pattern_subquery(SubKind kind, Pos p, Match m, ExprPtr returned, std::size_t begin) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kSubquery;
    e->sub_kind = kind;
    e->pos = p;
    e->sub = std::make_shared<Query>();
    e->sub->clauses.emplace_back(std::move(m));
    if (returned) {
      Projection ret;
      ret.pos = returned->pos;
      ret.is_return = true;
      ReturnItem item;
      item.alias = returned->text;
      item.expr = std::move(returned);
      ret.items.push_back(std::move(item));
      e->sub->clauses.emplace_back(std::move(ret));
    }
    finish(*e, begin);
    return e;
  }

  // EXISTS { ... }, COUNT { ... }, COLLECT { ... }: a full query, or patterns and a WHERE.
  ExprPtr subquery_expr(std::size_t begin) {
    Deeper guard(*this, cur());
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kSubquery;
    e->pos = cur().pos;
    std::string u = upper(cur().text);
    e->sub_kind = u == "EXISTS" ? SubKind::kExists : u == "COUNT" ? SubKind::kCount : SubKind::kCollect;
    next();
    next();  // '{'
    e->sub = std::make_shared<Query>();
    if (is_kw("MATCH") || is_kw("OPTIONAL") || is_kw("CALL") || is_kw("UNWIND") || is_kw("WITH") || is_kw("RETURN")) {
      body(*e->sub, e->sub_kind == SubKind::kCollect ? Ends::kBraceReturn : Ends::kBrace);
    } else {
      if (e->sub_kind == SubKind::kCollect) {
        fail(cur(), "COLLECT { } needs a query that ends with RETURN: COLLECT { MATCH (a)-->(b) RETURN b.name }");
      }
      Match m;
      m.pos = cur().pos;
      patterns_and_where(m);
      e->sub->clauses.emplace_back(std::move(m));
    }
    if (!at(Tok::kRBrace)) fail(cur(), fmt::format("expected '}}' to close {} {{ ... }}, found {}", u, describe(cur())));
    next();
    finish(*e, begin);
    return e;
  }

  // CASE [subject] WHEN .. THEN .. [ELSE ..] END
  ExprPtr case_expr(std::size_t begin) {
    Deeper guard(*this, cur());
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kCase;
    e->pos = cur().pos;
    next();
    if (!is_kw("WHEN")) {
      e->has_subject = true;
      e->args.push_back(expression());
    }
    if (!is_kw("WHEN")) fail(cur(), fmt::format("expected WHEN in CASE, found {}", describe(cur())));
    while (is_kw("WHEN")) {
      next();
      e->args.push_back(expression());
      expect_kw("THEN", "after WHEN's condition");
      e->args.push_back(expression());
    }
    if (is_kw("ELSE")) {
      next();
      e->has_else = true;
      e->args.push_back(expression());
    }
    expect_kw("END", "to close CASE");
    finish(*e, begin);
    return e;
  }

  // n {.key, .name, k: expr, v, .*}
  ExprPtr map_projection(ExprPtr subject, std::size_t begin) {
    Deeper guard(*this, cur());
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kMapProj;
    e->pos = subject->pos;
    const std::string var = subject->name;
    auto var_ref = [](const std::string& name, Pos pos) {
      auto v = std::make_unique<Expr>();
      v->kind = ExprKind::kVar;
      v->pos = pos;
      v->name = name;
      v->text = name;
      return v;
    };
    next();  // '{'

    e->args.push_back(std::move(subject));
    if (!at(Tok::kRBrace)) {
      bool first = true;
      do {
        if (!first) next();
        first = false;
        Pos p = cur().pos;
        if (at(Tok::kDot)) {
          next();
          if (at(Tok::kStar)) {
            next();
            e->star = true;
            continue;
          }
          auto prop = std::make_unique<Expr>();
          prop->kind = ExprKind::kProp;
          prop->pos = p;
          prop->name_pos = cur().pos;
          prop->name = symbolic("a property name after '.'");
          prop->text = var + "." + prop->name;
          prop->args.push_back(var_ref(var, p));
          e->keys.push_back(prop->name);
          e->args.push_back(std::move(prop));
        } else if ((at(Tok::kIdent) || at(Tok::kQuoted)) && peek_tok().kind == Tok::kColon) {
          e->keys.push_back(symbolic("a key"));
          next();  // ':'
          e->args.push_back(expression());
        } else {
          e->keys.push_back(name("'.property', 'key: expression' or a variable in the map projection"));
          e->args.push_back(var_ref(e->keys.back(), p));
        }
      } while (at(Tok::kComma));
    }
    if (!at(Tok::kRBrace)) fail(cur(), fmt::format("expected '}}' or ',' in the map projection, found {}", describe(cur())));
    next();
    finish(*e, begin);
    return e;
  }

  std::string_view text_;
  std::vector<Token> toks_;
  std::size_t i_ = 0;
  std::size_t last_end_ = 0;
  int depth_ = 0;
};

}  // namespace parse_impl

ast::Query parse(std::string_view text) { return parse_impl::Parser(text).run(); }

}  // namespace entente::ql
