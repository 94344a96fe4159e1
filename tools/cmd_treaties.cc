// entente treaties --db DIR A [B] [--at DATE]: the treaties of a state (or between two), with
// their status on a date, parties, dates and REPLACES chains.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {
namespace {

// "Treaty:a (name), which replaced Treaty:b (name)" for a chain, nearest first.
std::string describe_chain(const std::vector<Node>& chain, const char* link) {
  std::string out;
  for (const auto& n : chain) {
    if (!out.empty()) out += link;
    out += describe(n);
  }
  return out;
}

// The status line with the dates it rests on, never the query date in their place:
// "terminated on 1996-09-10 (status on 2000-01-01)", "signed on 2000-02-09, not in force on
// 2000-03-01".
std::string status_line(const TreatyStatus& t, const std::optional<Date>& at) {
  const auto& valid = t.treaty.valid;
  std::string signed_at = prop_text(t.treaty.props, "signed");
  std::string on = at ? " on " + at->str() : std::string();
  if (t.status == TreatyState::kInForce) {
    return valid && valid->from ? fmt::format("in force{} (since {})", on, valid->from->str()) : "in force" + on;
  }
  if (t.status == TreatyState::kTerminated) {
    std::string when = valid && valid->to ? " on " + valid->to->str() : std::string();
    return at ? fmt::format("terminated{} (status on {})", when, at->str()) : "terminated" + when;
  }
  if (t.status == TreatyState::kNotYetSigned) return fmt::format("not yet signed{} (signed on {})", on, signed_at);
  if (t.status == TreatyState::kSigned) {
    return fmt::format("signed{}, not in force{}", signed_at.empty() ? "" : " on " + signed_at, on);
  }
  return std::string(state_name(t.status)) + on;
}

}  // namespace

Runner add_treaties(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "treaties",
      "The treaties of a state (or between two states), by signature date: status on a date, parties, "
      "signature, period in force, and which treaties they replace or were replaced by");
  struct Args {
    Common common;
    std::string a;
    std::string b;
    std::string at;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  cmd->add_option("A", args->a, "a party: Type:key (e.g. State:PRK), or a unique name or alias")->required();
  cmd->add_option("B", args->b, "only treaties this one is also party to");
  cmd->add_option("--at", args->at, "the status on this date (YYYY[-MM[-DD]]; default: as of now)")->type_name("DATE");
  return [args] {
    std::optional<Date> at;
    if (!args->at.empty()) at = parse_date_arg(args->at, "--at");
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    Node a = snap->resolve(args->a);
    std::optional<Node> b;
    if (!args->b.empty()) b = snap->resolve(args->b);
    std::string b_ref = b ? b->ref().str() : std::string();
    auto result = treaties(*snap, a.ref().str(), b_ref, at);
    if (args->common.json) {
      auto j = nlohmann::ordered_json::array();
      for (const auto& t : result) {
        auto one = treaty_json(t.treaty);
        one["status"] = state_name(t.status);
        one["parties"] = refs_json(t.parties);
        one["replaces"] = refs_json(t.replaces);
        one["replaced_by"] = refs_json(t.replaced_by);
        j.push_back(std::move(one));
      }
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    fmt::print("Treaties of {}{}{}: {}\n", describe(a), b ? " with " + describe(*b) : "",
               at ? " on " + at->str() : "",
               result.empty() ? "none" : fmt::format("{} treat{}", result.size(), result.size() == 1 ? "y" : "ies"));
    for (const auto& t : result) {
      fmt::print("{}\n", describe(t.treaty));
      fmt::print("  status:   {}\n", status_line(t, at));
      std::vector<std::string> parties;
      for (const auto& p : t.parties) parties.push_back(describe(p));
      fmt::print("  parties:  {}\n", fmt::join(parties, "; "));
      std::string signed_at = prop_text(t.treaty.props, "signed");
      fmt::print("  signed:   {}\n", signed_at.empty() ? "(not recorded)" : signed_at);
      fmt::print("  in force: {}\n", t.treaty.valid ? t.treaty.valid->str() : "never (no period in force recorded)");
      std::vector<std::string> chains;
      if (!t.replaces.empty()) chains.push_back("replaces: " + describe_chain(t.replaces, ", which replaced "));
      if (!t.replaced_by.empty()) chains.push_back("replaced by: " + describe_chain(t.replaced_by, ", then by "));
      if (!chains.empty()) fmt::print("  {}\n", fmt::join(chains, "; "));
    }
    return kOk;
  };
}

}  // namespace entente::cli
