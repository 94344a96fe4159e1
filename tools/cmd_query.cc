// entente query --db DIR 'QUERY' [--param name=value ...] [--format table|json|csv]: runs a
// query of the query language (docs/query.md); 'EXPLAIN QUERY' prints its plan.
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_query(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "query",
      "Run a query (docs/query.md): MATCH patterns, WHERE, RETURN, aggregates, ORDER BY, AT DATE, CALL procedures; "
      "'EXPLAIN ...' prints the plan");
  struct Args {
    Common common;
    std::string text;
    std::vector<std::string> params;
    std::string format = "table";
    LimitOptions limits;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  cmd->add_option("QUERY", args->text, "the query; '-' reads it from standard input")->required();
  cmd->add_option("--param,-p", args->params, "a parameter $name: name=value (value as JSON if it is JSON, else text)")
      ->type_name("NAME=VALUE");
  cmd->add_option("--format,-f", args->format, "output: table (default), json or csv")->type_name("FORMAT");
  add_limits(*cmd, args->limits);
  return [args] {
    const QueryLimits limits = args->limits.limits();
    OutputFormat format = args->common.json ? OutputFormat::kJson : parse_format(args->format);
    Params params;
    for (const auto& p : args->params) {
      auto [name, value] = parse_param(p);
      params[name] = std::move(value);
    }
    std::string text = args->text;
    if (text == "-") text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    auto result = query(*snap, text, params, limits);
    if (format == OutputFormat::kTable && is_explain(text)) {
      for (const auto& row : result.rows) fmt::print("{}\n", row[0].str());
    } else {
      print_result(result, format);
    }
    return kOk;
  };
}

}  // namespace entente::cli
