// entente stats --db DIR: counts of nodes and edges by type, and the memory the in-memory
// topology takes.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_stats(CLI::App& app) {
  auto* cmd = app.add_subcommand("stats", "Count nodes and edges by type");
  auto common = std::make_shared<Common>();
  add_common(*cmd, *common);
  add_as_of(*cmd, *common);
  return [common] {
    auto db = open_for_read(common->db);
    auto stats = snapshot_of(*db, *common)->stats();
    if (common->json) {
      nlohmann::ordered_json j = {{"nodes", stats.nodes},
                                  {"edges", stats.edges},
                                  {"topology", {{"arcs", stats.topology_arcs}, {"bytes", stats.topology_bytes}}}};
      fmt::print("{}\n", j.dump());
      return kOk;
    }
    auto section = [](const char* title, const std::map<std::string, std::uint64_t>& counts) {
      std::uint64_t total = 0;
      fmt::print("{}\n", title);
      for (const auto& [type, n] : counts) {
        if (n == 0) continue;
        fmt::print("  {:<16} {:>10}\n", type, n);
        total += n;
      }
      fmt::print("  {:<16} {:>10}\n", "total", total);
    };
    section("nodes", stats.nodes);
    section("edges", stats.edges);
    if (stats.topology_arcs > 0) {
      fmt::print("topology (in memory)\n  {:<16} {:>10}\n  {:<16} {:>10.1f} MiB ({:.1f} bytes an edge direction)\n",
                 "edge directions", stats.topology_arcs, "memory", stats.topology_bytes / 1048576.0,
                 static_cast<double>(stats.topology_bytes) / static_cast<double>(stats.topology_arcs));
    }
    return kOk;
  };
}

}  // namespace entente::cli
