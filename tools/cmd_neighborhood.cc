// entente neighborhood --db DIR NODE --hops K [--at DATE]: every node within K steps, by hops,
// each with the step that reached it.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_neighborhood(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "neighborhood", "Every node within K steps of a node over any edge, in either direction, as of a date; by hops");
  struct Args {
    Common common;
    LimitOptions limits;
    std::string node;
    int hops = 1;
    std::string at;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  add_limits(*cmd, args->limits, Bounded::kWalk);
  cmd->add_option("NODE", args->node, "Type:key (e.g. State:PRK), or a unique name or alias")->required();
  cmd->add_option("--hops", args->hops, "how many steps out")->required()->type_name("K")->check(CLI::Range(0, 100));
  cmd->add_option("--at", args->at, "only edges and nodes valid on this date (YYYY[-MM[-DD]])")->type_name("DATE");
  return [args] {
    std::optional<Date> at;
    if (!args->at.empty()) at = parse_date_arg(args->at, "--at");
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    Node start = snap->resolve(args->node);
    auto result = neighborhood(*snap, start.ref().str(), args->hops, at, args->limits.limits());
    if (args->common.json) {
      auto j = nlohmann::ordered_json::array();
      for (const auto& r : result) {
        auto one = ref_json(r.node);
        one["hops"] = r.hops;
        if (r.via) {
          one["via"] = step_json(*r.via);
        } else {
          one["via"] = nullptr;
        }
        j.push_back(std::move(one));
      }
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    fmt::print("Within {} hop{} of {}{}: {} node{}\n", args->hops, plural(static_cast<std::size_t>(args->hops)),
               describe(start), at ? " on " + at->str() : "", result.size(), plural(result.size()));
    int current = -1;
    for (const auto& r : result) {
      if (r.hops != current) {
        current = r.hops;
        fmt::print("{} hop{}:\n", current, plural(static_cast<std::size_t>(current)));
      }
      if (r.via) {
        fmt::print("  {}  via {}\n", describe(r.node), describe_path_step(*r.via, false));
      } else {
        fmt::print("  {}\n", describe(r.node));
      }
    }
    return kOk;
  };
}

}  // namespace entente::cli
