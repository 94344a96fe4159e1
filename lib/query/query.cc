// The public entry points of the query language: parse, bind, plan, run.
#include "entente/query.h"

#include <sstream>

#include "query/bind/binder.h"
#include "query/bind/schema.h"
#include "query/exec/executor.h"
#include "query/parse/parser.h"
#include "query/plan/plan.h"

namespace entente {

namespace {

struct Prepared {
  ql::ast::Query q;
  ql::plan::Plan plan;
};

Prepared prepare(const ql::Schema& schema, std::string_view text, const Params& params) {
  Prepared p{ql::parse(text), {}};
  ql::bind(p.q, schema, params);
  p.plan = ql::plan::make_plan(p.q);
  return p;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

void query(const Reader& reader, std::string_view text, const Params& params,
           const std::function<void(const std::vector<std::string>& columns)>& on_columns,
           const std::function<bool(const std::vector<Value>& row)>& on_row, const QueryLimits& limits) {
  ql::Schema schema(reader);
  Prepared p = prepare(schema, text, params);
  if (p.q.explain) {
    on_columns({"plan"});
    for (auto& line : lines_of(ql::plan::explain(p.q, p.plan))) {
      if (!on_row({Value(std::move(line))})) break;
    }
    return;
  }
  on_columns(p.plan.columns);
  ql::exec::run(reader, schema, p.q, p.plan, on_row, limits);
}

QueryResult query(const Reader& reader, std::string_view text, const Params& params, const QueryLimits& limits) {
  QueryResult r;
  std::uint64_t held = 0;
  query(
      reader, text, params, [&](const std::vector<std::string>& columns) { r.columns = columns; },
      [&](const std::vector<Value>& row) {
        // The rows returned count against the memory limit too.
        if (limits.memory_limit > 0) {
          held += ql::exec::approx_bytes(row);
          if (held > limits.memory_limit) ql::exec::memory_limit_reached(limits.memory_limit, "the rows of the result");
        }
        r.rows.push_back(row);
        return true;
      },
      limits);
  return r;
}

std::string explain(const Reader& reader, std::string_view text, const Params& params) {
  ql::Schema schema(reader);
  Prepared p = prepare(schema, text, params);
  return ql::plan::explain(p.q, p.plan);
}

bool statement_complete(std::string_view text) {
  char quote = 0;
  bool line_comment = false, block_comment = false;
  char last = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char n = i + 1 < text.size() ? text[i + 1] : '\0';
    if (line_comment) {
      if (c == '\n') line_comment = false;
      continue;
    }
    if (block_comment) {
      if (c == '*' && n == '/') {
        block_comment = false;
        ++i;
      }
      continue;
    }
    if (quote) {
      if (c == '\\' && quote != '`') {
        ++i;
      } else if (c == quote) {
        quote = 0;
        last = c;
      }
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
      last = c;
    } else if (c == '/' && n == '/') {
      line_comment = true;
      ++i;
    } else if (c == '/' && n == '*') {
      block_comment = true;
      ++i;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      last = c;
    }
  }
  return !quote && !block_comment && last == ';';
}

}  // namespace entente
