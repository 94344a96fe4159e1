// entente neighbors --db DIR Type:key [--edge TYPE] [--dir out|in|both] [--at DATE]
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_neighbors(CLI::App& app) {
  auto* cmd = app.add_subcommand("neighbors", "List a node's neighbours, by edge type and direction, as of a date");
  struct Args {
    Common common;
    std::string node;
    std::vector<std::string> edges;
    std::string dir = "both";
    std::string at;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  cmd->add_option("NODE", args->node, "Type:key (e.g. State:PRK), or a unique name or alias")->required();
  cmd->add_option("--edge", args->edges, "only edges of this type (repeatable)")->type_name("TYPE");
  cmd->add_option("--dir", args->dir, "direction of the edges: out, in or both (default: both)")
      ->check(CLI::IsMember({"out", "in", "both"}));
  cmd->add_option("--at", args->at, "only edges and neighbours valid on this date (YYYY[-MM[-DD]])")->type_name("DATE");
  return [args] {
    NeighborQuery q;
    q.edge_types = args->edges;
    q.direction = args->dir == "out" ? Direction::kOut : args->dir == "in" ? Direction::kIn : Direction::kBoth;
    if (!args->at.empty()) q.at = parse_date_arg(args->at, "--at");
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    Node n = snap->resolve(args->node);
    auto result = snap->neighbors(n.id, q);
    if (args->common.json) {
      auto j = nlohmann::ordered_json::array();
      for (const auto& nb : result) {
        j.push_back({{"direction", nb.direction == Direction::kOut ? "out" : "in"},
                     {"edge", edge_json(nb.edge)},
                     {"node", node_json(nb.node)}});
      }
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    fmt::print("{}{}: {} neighbour{}\n", describe(n), q.at ? " on " + q.at->str() : "", result.size(),
               result.size() == 1 ? "" : "s");
    for (const auto& nb : result) {
      const char* arrow = nb.direction == Direction::kOut ? "->" : "<-";
      fmt::print("  {} {:<14} {}  {}\n", arrow, nb.edge.type, describe(nb.node), describe_step(n, nb));
    }
    return kOk;
  };
}

}  // namespace entente::cli
