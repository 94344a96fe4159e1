// entente get --db DIR Type:key: a node, its properties, its sources and its edges.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_get(CLI::App& app) {
  auto* cmd = app.add_subcommand("get", "Show a node with its properties, sources and edges");
  struct Args {
    Common common;
    std::string node;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  cmd->add_option("NODE", args->node, "Type:key (e.g. State:PRK), or a unique name or alias")->required();
  return [args] {
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    Node n = snap->resolve(args->node);
    auto edges = snap->neighbors(n.id);
    if (args->common.json) {
      nlohmann::ordered_json j = {{"node", node_json(n)}, {"edges", nlohmann::ordered_json::array()}};
      for (const auto& nb : edges) j["edges"].push_back(edge_json(nb.edge));
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    fmt::print("{}\n", describe(n));
    if (!n.aliases.empty()) fmt::print("  aliases: {}\n", fmt::join(n.aliases, "; "));
    fmt::print("  valid:   {}\n", describe_valid(n.valid));
    print_props(n.props.to_json(), "  ");
    for (const auto& c : n.sources) fmt::print("  source: {}\n", describe_citation(c));
    if (!edges.empty()) fmt::print("edges ({}):\n", edges.size());
    for (const auto& nb : edges) {
      const char* arrow = nb.direction == Direction::kOut ? "->" : "<-";
      fmt::print("  {} {} {}  {}", arrow, nb.edge.type, describe(nb.node), describe_step(n, nb));
      if (auto p = nb.edge.props.to_json(); !p.empty()) fmt::print("  {}", describe_props(p));
      fmt::print("\n");
      for (const auto& c : nb.edge.sources) fmt::print("       source: {}\n", describe_citation(c));
    }
    return kOk;
  };
}

}  // namespace entente::cli
