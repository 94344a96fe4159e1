// entente path --db DIR A B [--via TYPE ...] [--at DATE]: a shortest connection between two
// nodes, one edge a step.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_path(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "path", "A shortest connection between two nodes over edges of the given types (default: all), as of a date");
  struct Args {
    Common common;
    std::string a;
    std::string b;
    std::vector<std::string> via;
    std::string at;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  cmd->add_option("A", args->a, "the start: Type:key (e.g. State:KOR), or a unique name or alias")->required();
  cmd->add_option("B", args->b, "the end: Type:key, or a unique name or alias")->required();
  cmd->add_option("--via", args->via, "only edges of this type (repeatable; default: every type)")->type_name("TYPE");
  cmd->add_option("--at", args->at, "only edges and nodes valid on this date (YYYY[-MM[-DD]])")->type_name("DATE");
  return [args] {
    std::optional<Date> at;
    if (!args->at.empty()) at = parse_date_arg(args->at, "--at");
    auto db = open_for_read(args->common.db);
    auto snap = db->snapshot();
    Node a = snap->resolve(args->a);
    Node b = snap->resolve(args->b);
    auto steps = shortest_path(*snap, a.ref().str(), b.ref().str(), args->via, at);
    if (args->common.json) {
      auto j = nlohmann::ordered_json::array();
      for (const auto& s : steps) j.push_back(step_json(s));
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    std::string on = at ? " on " + at->str() : "";
    std::string via = args->via.empty() ? "" : fmt::format(" via {}", fmt::join(args->via, ", "));
    if (steps.empty()) {
      fmt::print("{} and {}{}{}: no connection\n", describe(a), describe(b), via, on);
      return kOk;
    }
    fmt::print("{} to {}{}{}: {} step{}\n", describe(a), describe(b), via, on, steps.size(), plural(steps.size()));
    for (const auto& s : steps) {
      fmt::print("  {}  {}\n", describe_path_step(s), describe_valid(s.edge.valid));
    }
    return kOk;
  };
}

}  // namespace entente::cli
