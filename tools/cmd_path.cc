// entente path --db DIR A B [--via TYPE ...] [--at DATE]: a shortest connection between two
// nodes, one edge a step; with --temporal [--from DATE], the earliest-arriving path whose
// steps are taken on dates that never go back.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

namespace {

template <class Args>
int temporal_command(const Args& args) {
  std::optional<Date> from;
  if (!args.from.empty()) from = parse_date_arg(args.from, "--from");
  auto db = open_for_read(args.common.db);
  auto snap = snapshot_of(*db, args.common);
  Node a = snap->resolve(args.a);
  Node b = snap->resolve(args.b);
  auto path = temporal_path(*snap, a.ref().str(), b.ref().str(), args.via, from, args.limits.limits());
  auto when = [](const std::optional<Date>& d) { return d ? d->str() : std::string("undated"); };
  if (args.common.json) {
    auto j = nlohmann::ordered_json::array();
    if (path) {
      for (std::size_t i = 0; i < path->steps.size(); ++i) {
        auto s = step_json(path->steps[i]);
        s["taken"] = path->taken[i] ? nlohmann::ordered_json(path->taken[i]->str()) : nlohmann::ordered_json();
        j.push_back(std::move(s));
      }
    }
    fmt::print("{}\n", j.dump(2));
    return kOk;
  }
  std::string since = from ? " leaving on " + from->str() + " or later" : "";
  std::string via = args.via.empty() ? "" : fmt::format(" via {}", fmt::join(args.via, ", "));
  if (!path) {
    fmt::print("{} and {}{}{}: no time-respecting connection\n", describe(a), describe(b), via, since);
    return kOk;
  }
  fmt::print("{} to {}{}{}: {} step{}, arriving {}\n", describe(a), describe(b), via, since, path->steps.size(),
             plural(path->steps.size()), when(path->arrival()));
  for (std::size_t i = 0; i < path->steps.size(); ++i) {
    fmt::print("  {:<10}  {}  {}\n", when(path->taken[i]), describe_path_step(path->steps[i]),
               describe_valid(path->steps[i].edge.valid));
  }
  return kOk;
}

}  // namespace

Runner add_path(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "path", "A shortest connection between two nodes over edges of the given types (default: all), as of a date");
  struct Args {
    Common common;
    LimitOptions limits;
    std::string a;
    std::string b;
    std::vector<std::string> via;
    std::string at;
    bool temporal = false;
    std::string from;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  add_limits(*cmd, args->limits, Bounded::kWalk);
  cmd->add_option("A", args->a, "the start: Type:key (e.g. State:KOR), or a unique name or alias")->required();
  cmd->add_option("B", args->b, "the end: Type:key, or a unique name or alias")->required();
  cmd->add_option("--via", args->via, "only edges of this type (repeatable; default: every type)")->type_name("TYPE");
  auto* at = cmd->add_option("--at", args->at, "only edges and nodes valid on this date (YYYY[-MM[-DD]])")->type_name("DATE");
  auto* temporal = cmd->add_flag("--temporal", args->temporal,
                                 "a time-respecting path: each step taken on a date no earlier than the step before, its "
                                 "edge and ends valid then; the earliest arrival");
  cmd->add_option("--from", args->from, "with --temporal: leave on this date or later (default: any time)")
      ->type_name("DATE")
      ->needs(temporal);
  temporal->excludes(at);
  return [args] {
    if (args->temporal) return temporal_command(*args);
    std::optional<Date> at;
    if (!args->at.empty()) at = parse_date_arg(args->at, "--at");
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    Node a = snap->resolve(args->a);
    Node b = snap->resolve(args->b);
    auto steps = shortest_path(*snap, a.ref().str(), b.ref().str(), args->via, at, args->limits.limits());
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
