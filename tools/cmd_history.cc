// entente history --db DIR Type:key [--json]: every version of a node and of its edges,
// with the commits between which each was current; entente diff --db DIR --from A --to B:
// what changed between two commits, as interchange lines (record time, docs/history.md).
#include <iostream>

#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

namespace {

std::string span(std::uint64_t from, const std::optional<std::uint64_t>& until) {
  return until ? fmt::format("#{} to #{}", from, *until) : fmt::format("#{} on (current)", from);
}

nlohmann::ordered_json until_json(const std::optional<std::uint64_t>& until) {
  return until ? nlohmann::ordered_json(*until) : nlohmann::ordered_json(nullptr);
}

}  // namespace

Runner add_history_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("history", "Every version of a node and of its edges, with the commits of each");
  struct Args {
    Common common;
    std::string node;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  cmd->add_option("NODE", args->node, "the node: Type:key (a node removed since is found too)")->required();
  cmd->footer(
      "Each version is current from the commit that wrote it until the one that replaced or removed it "
      "(entente log lists the commits). --json gives {\"versions\": [...], \"edges\": [...]}, each with its "
      "interchange line as \"record\" and \"recorded\" and \"until\" (null: current).");
  return [args] {
    auto db = open_for_read(args->common.db);
    auto h = db->history(NodeRef::parse(args->node));
    if (args->common.json) {
      auto versions = nlohmann::ordered_json::array(), edges = nlohmann::ordered_json::array();
      for (const auto& v : h.versions) {
        versions.push_back({{"recorded", v.node.recorded}, {"until", until_json(v.until)}, {"record", to_json(v.node)}});
      }
      for (const auto& v : h.edges) {
        edges.push_back({{"recorded", v.edge.recorded}, {"until", until_json(v.until)}, {"record", to_json(v.edge)}});
      }
      nlohmann::ordered_json j = {{"versions", versions}, {"edges", edges}};
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    fmt::print("{}: {} version{}\n", args->node, h.versions.size(), plural(h.versions.size()));
    for (const auto& v : h.versions) {
      fmt::print("  {:<24} {}\n", span(v.node.recorded, v.until), to_line(v.node));
    }
    fmt::print("edges: {} version{}\n", h.edges.size(), plural(h.edges.size()));
    for (const auto& v : h.edges) {
      fmt::print("  {:<24} {}\n", span(v.edge.recorded, v.until), to_line(v.edge));
    }
    return kOk;
  };
}

Runner add_diff(CLI::App& app) {
  auto* cmd = app.add_subcommand("diff", "What changed between two commits, as interchange lines");
  struct Args {
    Common common;
    std::string from, to;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common, false);
  cmd->add_option("--from", args->from, "the earlier commit: #N or an ISO 8601 time")->required()->type_name("TIME|#N");
  cmd->add_option("--to", args->to, "the later commit (default: the last)")->type_name("TIME|#N");
  cmd->footer(
      "Prints, one a line, the interchange lines (docs/interchange.md) that, imported into the database as it stood "
      "after --from, make it as it stood after --to: edges deleted, nodes added or replaced, edges added or "
      "replaced, nodes deleted. A summary goes to standard error.");
  return [args] {
    auto db = open_for_read(args->common.db);
    const std::uint64_t from = db->commit_as_of(args->from);
    std::uint64_t to = 0;
    if (!args->to.empty()) {
      to = db->commit_as_of(args->to);
    } else if (const auto log = db->log(); !log.empty()) {
      to = log.back().number;  // the last
    }
    if (from >= to) {
      throw Error(ErrorKind::kInvalid, fmt::format("--from (#{}) must be an earlier commit than --to (#{})", from, to));
    }
    auto stats = diff_jsonl(*db, from, to, std::cout);
    std::cout.flush();
    fmt::print(stderr, "#{} to #{}: nodes +{} ~{} -{}, edges +{} ~{} -{}\n", from, to, stats.nodes.created,
               stats.nodes.updated, stats.nodes.removed, stats.edges.created, stats.edges.updated, stats.edges.removed);
    return kOk;
  };
}

}  // namespace entente::cli

namespace entente::cli {

Runner add_compact_history(CLI::App& app) {
  auto* cmd = app.add_subcommand("compact-history", "Drop the history that ended before a commit or a time");
  struct Args {
    Common common;
    std::string before;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  cmd->add_option("--before", args->before,
                  "the versions that stopped being current by this commit (#N) or time (the last commit at or before "
                  "it) are dropped")
      ->required()
      ->type_name("TIME|#N");
  cmd->footer(
      "History is kept by default (docs/history.md). This drops, explicitly, the versions replaced or removed by that "
      "commit or earlier, with the keys and names of nodes removed by then, and merges each node's adjacency runs up to "
      "it: reads as of that commit or later are unchanged; reads as of an earlier one are refused from then on. "
      "It is one commit of the log, and says what it dropped.");
  return [args] {
    auto db = open_for_write(args->common.db);
    const std::uint64_t through = db->commit_as_of(args->before);
    auto r = db->compact_history(through);
    if (args->common.json) {
      nlohmann::ordered_json j = {{"through", r.through},       {"node_versions", r.node_versions},
                                  {"edge_versions", r.edge_versions}, {"keys", r.keys},
                                  {"names", r.names},           {"runs", r.runs},
                                  {"commit", r.commit}};
      fmt::print("{}\n", j.dump());
      return kOk;
    }
    if (r.commit == 0) {
      fmt::print("nothing to drop through #{}\n", r.through);
      return kOk;
    }
    fmt::print("dropped the history through #{} (commit #{}): {} node version{}, {} edge version{}, {} removed key{}, {} "
               "former name{}; {} adjacency run{} merged\n",
               r.through, r.commit, r.node_versions, plural(r.node_versions), r.edge_versions, plural(r.edge_versions),
               r.keys, plural(r.keys), r.names, plural(r.names), r.runs, plural(r.runs));
    return kOk;
  };
}

}  // namespace entente::cli
