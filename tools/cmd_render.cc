// entente render --db DIR -o FILE.svg|png|pdf|dot
//     (--around NODE [--hops K] [--at DATE] | --blocs --at DATE [--obligation O] | --timeline --visitor PERSON):
// a picture drawn by Graphviz's dot (found on PATH).
#include <fstream>

#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

namespace {

struct RenderArgs {
  Common common;
  LimitOptions limits;
  std::string output, around, at, visitor;
  int hops = 1;
  bool blocs = false, timeline = false;
  std::vector<std::string> obligations;
};

// Refuses a combination of options that does not make one picture; returns the output's
// extension (lower case), which names the format.
std::string check_render(const RenderArgs& a, const CLI::Option* around, const CLI::Option* hops,
                         const CLI::Option* obligation, const CLI::Option* visitor) {
  int modes = (around->count() ? 1 : 0) + (a.blocs ? 1 : 0) + (a.timeline ? 1 : 0);
  if (modes != 1) throw CLI::ValidationError("render", "give exactly one of --around NODE, --blocs, --timeline");
  if (hops->count() && !around->count()) throw CLI::ValidationError("--hops", "applies to --around only");
  if (obligation->count() && !a.blocs) throw CLI::ValidationError("--obligation", "applies to --blocs only");
  if (visitor->count() && !a.timeline) throw CLI::ValidationError("--visitor", "applies to --timeline only");
  if (a.blocs && a.at.empty()) throw CLI::ValidationError("--blocs", "needs a date: --at DATE");
  if (a.timeline && a.visitor.empty()) throw CLI::ValidationError("--timeline", "needs --visitor PERSON");
  if (a.timeline && !a.at.empty()) throw CLI::ValidationError("--at", "does not apply to --timeline");
  std::string ext = std::filesystem::path(a.output).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".svg" && ext != ".png" && ext != ".pdf" && ext != ".dot") {
    throw CLI::ValidationError("-o", "'" + a.output + "': the extension must be .svg, .png, .pdf or .dot");
  }
  return ext;
}

}  // namespace

Runner add_render(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "render",
      "Draw a picture with Graphviz: an ego network (--around), the alliance blocs (--blocs) or a visits "
      "timeline (--timeline)");
  auto args = std::make_shared<RenderArgs>();
  add_common(*cmd, args->common, false);
  add_as_of(*cmd, args->common);
  add_limits(*cmd, args->limits, Bounded::kWalk);
  cmd->add_option("-o,--output", args->output,
                  "the picture; its extension names the format: .svg, .png, .pdf (drawn by Graphviz's dot), or "
                  ".dot (the DOT text, no Graphviz needed)")
      ->required()
      ->type_name("FILE");
  auto* around = cmd->add_option("--around", args->around,
                                 "draw the ego network of this node (Type:key, name or alias): every node within "
                                 "--hops steps and the edges between them")
                     ->type_name("NODE");
  auto* hops = cmd->add_option("--hops", args->hops, "with --around: how many steps out (default: 1)")
                   ->type_name("K")
                   ->check(CLI::Range(0, 10));
  cmd->add_option("--at", args->at,
                  "with --around: only nodes and edges valid on this date; with --blocs: the date (required)")
      ->type_name("DATE");
  cmd->add_flag("--blocs", args->blocs,
                "draw the alliance blocs on --at: one box per bloc with its states, its treaties and their PARTY_TO "
                "edges");
  auto* obligation = add_obligation_option(*cmd, args->obligations);
  cmd->add_flag("--timeline", args->timeline,
                "draw --visitor's visits on a time axis: each a numbered mark with its date, host and ordinal");
  auto* visitor = cmd->add_option("--visitor", args->visitor, "with --timeline: the person (Type:key, name or alias)")
                      ->type_name("PERSON");
  cmd->footer(
      "Examples:\n"
      "  entente render --db geo.db --around State:PRK --hops 2 --at 2024-12-31 -o prk.svg\n"
      "  entente render --db geo.db --blocs --at 2024-12-31 -o blocs.png\n"
      "  entente render --db geo.db --timeline --visitor Person:putin -o putin.svg\n"
      "Needs Graphviz's dot on PATH (Debian: graphviz) except for -o FILE.dot.");
  return [args, around, hops, obligation, visitor] {
    const std::string ext = check_render(*args, around, hops, obligation, visitor);
    std::optional<Date> at;
    if (!args->at.empty()) at = parse_date_arg(args->at, "--at");

    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    std::string dot;
    if (around->count()) {
      dot = dot_neighborhood(*snap, args->around, args->hops, at, args->limits.limits());
    } else if (args->blocs) {
      dot = dot_blocs(*snap, *at, obligations_or_default(args->obligations), args->limits.limits());
    } else {
      dot = dot_timeline(*snap, args->visitor);
    }
    if (ext == ".dot") {
      std::ofstream out(args->output, std::ios::binary | std::ios::trunc);
      out << dot;
      out.close();
      if (!out) throw Error(ErrorKind::kIO, args->output + ": cannot write");
    } else {
      render_graphviz(dot, args->output);
    }
    fmt::print("wrote {}\n", args->output);
    return kOk;
  };
}

}  // namespace entente::cli
