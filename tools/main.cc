// entente: the command-line tool. Each subcommand lives in its own file (cmd_*.cc).
// Exit status: 0 success, 1 a data or query error, 2 a usage error; errors go to stderr.
#include <iostream>

#include <fmt/format.h>

#include "cli.h"

int main(int argc, char** argv) {
  using namespace entente::cli;
  CLI::App app{"entente: an embedded database of geopolitical events (states, leaders, treaties, visits)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", entente::kVersion);
  app.footer("Run 'entente SUBCOMMAND --help' for a subcommand's options. Docs: README.md, docs/.");

  std::vector<std::pair<CLI::App*, Runner>> commands;
  auto add = [&](Runner (*adder)(CLI::App&)) {
    Runner r = adder(app);
    commands.emplace_back(app.get_subcommands({}).back(), std::move(r));
  };
  add(add_import);
  add(add_dump);
  add(add_stats);
  add(add_log);
  add(add_history_command);
  add(add_diff);
  add(add_compact_history);
  add(add_get);
  add(add_neighbors);
  add(add_schema);
  add(add_allies);
  add(add_path);
  add(add_blocs);
  add(add_centrality);
  add(add_neighborhood);
  add(add_visits);
  add(add_officeholders);
  add(add_offices);
  add(add_treaties);
  add(add_check);
  add(add_backup);
  add(add_restore);
  add(add_salvage);
  add(add_export);
  add(add_render);
  add(add_query);
  add(add_shell);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsageError;
  }
  try {
    for (auto& [cmd, run] : commands) {
      if (cmd->parsed()) return run();
    }
  } catch (const CLI::ValidationError& e) {
    fmt::print(stderr, "entente: {}\n", e.what());
    return kUsageError;
  } catch (const entente::Error& e) {
    fmt::print(stderr, "entente: {}\n", e.what());
    return kDataError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "entente: internal error: {}\n", e.what());
    return kDataError;
  }
  return kUsageError;
}
