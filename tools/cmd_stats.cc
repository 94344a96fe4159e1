// entente stats --db DIR: counts of nodes and edges by type.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_stats(CLI::App& app) {
  auto* cmd = app.add_subcommand("stats", "Count nodes and edges by type");
  auto common = std::make_shared<Common>();
  add_common(*cmd, *common);
  return [common] {
    auto db = open_for_read(common->db);
    auto stats = db->snapshot()->stats();
    if (common->json) {
      nlohmann::ordered_json j = {{"nodes", stats.nodes}, {"edges", stats.edges}};
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
    return kOk;
  };
}

}  // namespace entente::cli
