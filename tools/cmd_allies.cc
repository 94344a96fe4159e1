// entente allies --db DIR STATE --at DATE [--obligation O ...] [--include-signed] [--hops K]:
// a state's treaty allies on a date, each with the treaty, its status, articles and sources.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {
namespace {

// One alliance link, as evidence: the treaty, its status, the obligations, the articles
// creating them and the citations.
nlohmann::ordered_json link_json(const AllianceLink& l) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["from"] = ref_json(l.from);
  j["to"] = ref_json(l.to);
  j["treaty"] = treaty_json(l.treaty);
  j["status"] = link_status(l);
  j["obligations"] = l.obligations;
  j["from_obligations"] = l.from_obligations;
  j["to_obligations"] = l.to_obligations;
  auto articles = nlohmann::ordered_json::array();
  for (const auto& a : l.articles) articles.push_back(a);
  j["articles"] = std::move(articles);
  j["sources"] = to_json(l.sources);
  return j;
}

// "PRK -[prk-chn-1961]-> CHN -[...]-> X"
std::string describe_chain(const std::vector<AllianceLink>& chain) {
  if (chain.empty()) return {};
  std::string out = chain.front().from.key;
  for (const auto& l : chain) out += fmt::format(" -[{}]-> {}", l.treaty.key, l.to.key);
  return out;
}

void print_link(const AllianceLink& l, bool with_ends) {
  const char* in = "    ";
  if (with_ends) fmt::print("  {} -> {}:\n", describe(l.from), describe(l.to));
  fmt::print("{}treaty:      {} ({})\n", in, l.treaty.name.empty() ? l.treaty.key : l.treaty.name, l.treaty.ref().str());
  std::string signed_at = prop_text(l.treaty.props, "signed");
  fmt::print("{}status:      {}; treaty {}{}\n", in, link_status(l), describe_in_force(l.treaty),
             signed_at.empty() ? "" : ", signed " + signed_at);
  fmt::print("{}obligations: {} ({}: {}; {}: {})\n", in, fmt::join(l.obligations, ", "), l.from.key,
             l.from_obligations.empty() ? "-" : fmt::format("{}", fmt::join(l.from_obligations, ", ")), l.to.key,
             l.to_obligations.empty() ? "-" : fmt::format("{}", fmt::join(l.to_obligations, ", ")));
  for (const auto& a : l.articles) {
    std::string number = prop_text(a, "number");
    std::string summary = prop_text(a, "summary");
    if (summary.empty()) summary = prop_text(a, "quote");
    fmt::print("{}article {}: {}\n", in, number.empty() ? "?" : number, shorten(summary, 100));
  }
  for (const auto& c : distinct_sources(l.sources)) fmt::print("{}source:      {}\n", in, c);
}

}  // namespace

Runner add_allies(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "allies",
      "A state's treaty allies on a date: states party with it to a treaty in force carrying one of the "
      "obligations (default: defense), each with the treaty, its status, the articles and the sources");
  struct Args {
    Common common;
    LimitOptions limits;
    std::string state;
    std::string at;
    std::vector<std::string> obligations;
    bool include_signed = false;
    int hops = 1;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  add_limits(*cmd, args->limits, Bounded::kWalk);
  cmd->add_option("STATE", args->state, "State:key (e.g. State:PRK), or a unique name or alias")->required();
  cmd->add_option("--at", args->at, "the date the alliances must hold on (YYYY[-MM[-DD]])")
      ->required()
      ->type_name("DATE");
  add_obligation_option(*cmd, args->obligations);
  cmd->add_flag("--include-signed", args->include_signed, "also count treaties signed but not (yet) in force on the date");
  cmd->add_option("--hops", args->hops, "allies of allies, up to this many treaty hops (default: 1)")
      ->type_name("K")
      ->check(CLI::Range(1, 100));
  return [args] {
    AllyQuery q;
    q.at = parse_date_arg(args->at, "--at");
    q.obligations = obligations_or_default(args->obligations);
    q.include_signed = args->include_signed;
    q.hops = args->hops;
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    Node state = snap->resolve(args->state);
    auto result = allies(*snap, state.ref().str(), q, args->limits.limits());
    if (args->common.json) {
      auto j = nlohmann::ordered_json::array();
      for (const auto& a : result) {
        auto one = ref_json(a.state);
        one["hops"] = a.hops;
        auto chain = nlohmann::ordered_json::array();
        for (const auto& l : a.chain) chain.push_back(link_json(l));
        one["chain"] = std::move(chain);
        j.push_back(std::move(one));
      }
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    fmt::print("Allies of {} on {} ({}{}{}): {}\n", describe(state), q.at->str(), fmt::join(q.obligations, ", "),
               q.include_signed ? "; signed treaties included" : "",
               q.hops > 1 ? fmt::format("; up to {} hops", q.hops) : "", result.empty() ? "none" : std::to_string(result.size()));
    for (const auto& a : result) {
      fmt::print("{}, {} hop{}\n", describe(a.state), a.hops, plural(static_cast<std::size_t>(a.hops)));
      if (a.hops > 1) {
        fmt::print("  chain: {}\n", describe_chain(a.chain));
        for (const auto& l : a.chain) print_link(l, true);
      } else {
        for (const auto& l : a.chain) print_link(l, false);
      }
    }
    return kOk;
  };
}

}  // namespace entente::cli
