// The public entry points of the query language: parse, bind, plan, run.
#include "entente/query.h"

#include <chrono>
#include <sstream>

#include <fmt/format.h>

#include "query/bind/binder.h"
#include "query/bind/schema.h"
#include "query/exec/executor.h"
#include "query/parse/parser.h"
#include "query/plan/plan.h"

namespace entente {

namespace detail {

// A prepared query: its plan, which owns the bound tree it points into (Plan::query).
// Bound once; nothing changes it after.
struct PreparedQueryData {
  ql::plan::Plan plan;
  const ql::bound::Query& q() const { return *plan.query; }
  std::vector<std::string> columns;
};

}  // namespace detail

namespace {

using detail::PreparedQueryData;

// Parses, binds (with the parameters' types when given) and plans.
std::shared_ptr<const PreparedQueryData> prepare_data(const ql::Schema& schema, std::string_view text,
                                                      const Params* params) {
  auto p = std::make_shared<PreparedQueryData>();
  const ql::ast::Query parsed = ql::parse(text);
  p->plan = ql::plan::make_plan(std::make_shared<const ql::bound::Query>(ql::bind(parsed, schema, params)));
  p->columns = p->q().explain || p->q().profile ? std::vector<std::string>{"plan"} : p->plan.columns;
  return p;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void run_prepared(const PreparedQueryData& p, const ql::Schema& schema, const Reader& reader, const Params& params,
                  const std::function<bool(const std::vector<Value>& row)>& on_row, const QueryLimits& limits) {
  // EXPLAIN and PROFILE give the plan's lines as rows of one column.
  auto plan_rows = [&](std::vector<std::string> lines) {
    for (auto& line : lines) {
      if (!on_row({Value(std::move(line))})) break;
    }
  };
  if (p.q().explain) return plan_rows(lines_of(ql::plan::explain(p.q(), p.plan)));
  if (p.q().profile) {
    // Runs the query to its end, counting its rows, then gives the plan with each
    // operator's rows and time.
    ql::plan::Profile profile;
    std::uint64_t rows = 0;
    const auto started = std::chrono::steady_clock::now();
    ql::exec::run(
        reader, schema, p.q(), p.plan, ql::param_values(p.q(), params),
        [&](const std::vector<Value>&) {
          ++rows;
          return true;
        },
        limits, ql::exec::kMaxSteps, &profile);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
    auto lines = lines_of(ql::plan::explain(p.q(), p.plan, &profile));
    lines.push_back(fmt::format("{} row{} in {:.3f} ms", rows, rows == 1 ? "" : "s", took.count()));
    return plan_rows(std::move(lines));
  }
  ql::exec::run(reader, schema, p.q(), p.plan, ql::param_values(p.q(), params), on_row, limits);
}

// Collects the rows, counting them against the memory limit.
QueryResult collect(const std::vector<std::string>& columns, const QueryLimits& limits,
                    const std::function<void(const std::function<bool(const std::vector<Value>&)>&)>& produce) {
  QueryResult r;
  r.columns = columns;
  Budget budget = ql::exec::query_budget(limits);
  produce([&](const std::vector<Value>& row) {
    if (budget.counts_memory()) budget.charge(ql::exec::approx_bytes(row), "the rows of the result");
    r.rows.push_back(row);
    return true;
  });
  return r;
}

}  // namespace

const std::vector<std::string>& PreparedQuery::columns() const { return data_->columns; }
const std::vector<std::string>& PreparedQuery::parameters() const { return data_->q().params; }
std::string PreparedQuery::explain() const { return ql::plan::explain(data_->q(), data_->plan); }

void PreparedQuery::run(const Reader& reader, const Params& params,
                        const std::function<bool(const std::vector<Value>& row)>& on_row, const QueryLimits& limits) const {
  ql::Schema schema(reader);
  run_prepared(*data_, schema, reader, params, on_row, limits);
}

QueryResult PreparedQuery::run(const Reader& reader, const Params& params, const QueryLimits& limits) const {
  return collect(data_->columns, limits, [&](const auto& on_row) { run(reader, params, on_row, limits); });
}

PreparedQuery prepare(const Reader& reader, std::string_view text) {
  ql::Schema schema(reader);
  PreparedQuery p;
  p.data_ = prepare_data(schema, text, nullptr);
  return p;
}

void query(const Reader& reader, std::string_view text, const Params& params,
           const std::function<void(const std::vector<std::string>& columns)>& on_columns,
           const std::function<bool(const std::vector<Value>& row)>& on_row, const QueryLimits& limits) {
  ql::Schema schema(reader);
  auto p = prepare_data(schema, text, &params);
  on_columns(p->columns);
  run_prepared(*p, schema, reader, params, on_row, limits);
}

QueryResult query(const Reader& reader, std::string_view text, const Params& params, const QueryLimits& limits) {
  QueryResult r;
  std::vector<std::string> columns;
  r = collect({}, limits, [&](const auto& on_row) {
    query(reader, text, params, [&](const std::vector<std::string>& c) { columns = c; }, on_row, limits);
  });
  r.columns = std::move(columns);
  return r;
}

std::string explain(const Reader& reader, std::string_view text, const Params& params) {
  ql::Schema schema(reader);
  auto p = prepare_data(schema, text, &params);
  return ql::plan::explain(p->q(), p->plan);
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
