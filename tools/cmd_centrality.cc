// entente centrality --db DIR --network alliances|visits|trade [--at DATE | --from D1 --to D2]
//                   [--measure degree|betweenness] [--limit N]: states ranked by centrality.
#include <algorithm>

#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_centrality(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "centrality",
      "Rank states by centrality in a state-to-state network: alliances (treaties in force with a defense "
      "obligation, on --at), visits (a leader of one visiting the other) or trade (TRADE edges)");
  struct Args {
    Common common;
    LimitOptions limits;
    std::string network;
    std::string measure = "degree";
    std::string at;
    std::string from;
    std::string to;
    std::size_t limit = 0;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  add_limits(*cmd, args->limits, Bounded::kWalk);
  cmd->add_option("--network", args->network, "alliances, visits or trade")
      ->required()
      ->check(CLI::IsMember({"alliances", "visits", "trade"}));
  auto* at = cmd->add_option("--at", args->at, "the network on this date (YYYY[-MM[-DD]]; required for alliances)")
                 ->type_name("DATE");
  auto* from = cmd->add_option("--from", args->from, "visits and trade from this date on (inclusive)")->type_name("DATE");
  auto* to = cmd->add_option("--to", args->to, "visits and trade before this date (exclusive)")->type_name("DATE");
  at->excludes(from);
  at->excludes(to);
  cmd->add_option("--measure", args->measure, "degree (number of partners) or betweenness (default: degree)")
      ->check(CLI::IsMember({"degree", "betweenness"}));
  cmd->add_option("--limit", args->limit, "show at most N states (default: all)")->type_name("N");
  return [args] {
    NetworkQuery q;
    q.network = args->network == "visits" ? Network::kVisits
                : args->network == "trade" ? Network::kTrade
                                           : Network::kAlliances;
    q.measure = args->measure == "betweenness" ? Measure::kBetweenness : Measure::kDegree;
    if (!args->at.empty()) q.at = parse_date_arg(args->at, "--at");
    if (!args->from.empty()) q.from = parse_date_arg(args->from, "--from");
    if (!args->to.empty()) q.to = parse_date_arg(args->to, "--to");
    if (q.network == Network::kAlliances) {
      if (q.from || q.to) throw CLI::ValidationError("--from/--to", "the alliances network is taken on one date: give --at");
      if (!q.at) throw CLI::ValidationError("--at", "the alliances network needs a date: give --at DATE");
    }
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    auto result = centrality(*snap, q, args->limits.limits());
    if (args->limit > 0 && result.size() > args->limit) result.resize(args->limit);
    if (args->common.json) {
      auto j = nlohmann::ordered_json::array();
      int rank = 0;
      for (const auto& r : result) {
        auto one = ref_json(r.state);
        one["rank"] = ++rank;
        one["score"] = r.score;
        one["partners"] = r.partners;
        j.push_back(std::move(one));
      }
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    std::string when = q.at ? "on " + q.at->str()
                       : (q.from || q.to)
                           ? fmt::format("from {} to {}", q.from ? q.from->str() : "the start", q.to ? q.to->str() : "now")
                           : std::string("over all dates");
    fmt::print("{} centrality in the {} network {}: {}\n", args->measure == "betweenness" ? "Betweenness" : "Degree",
               args->network, when, result.empty() ? "no states" : fmt::format("{} state{}", result.size(), plural(result.size())));
    if (result.empty()) return kOk;
    std::size_t width = 5;
    for (const auto& r : result) width = std::max(width, describe(r.state).size());
    fmt::print("  {:>4}  {:<{}}  {:>8}  {:>8}\n", "rank", "state", width, "score", "partners");
    int rank = 0;
    for (const auto& r : result) {
      fmt::print("  {:>4}  {:<{}}  {:>8.4g}  {:>8}\n", ++rank, describe(r.state), width, r.score, r.partners);
    }
    return kOk;
  };
}

}  // namespace entente::cli
