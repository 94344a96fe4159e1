// entente import --db DIR FILE...: load JSON Lines files, one transaction per file.
#include <unistd.h>

#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_import(CLI::App& app) {
  auto* cmd = app.add_subcommand("import", "Import JSON Lines files (docs/interchange.md) into a database");
  struct Args {
    Common common;
    std::vector<std::string> files;
    bool single = false;
    bool quiet = false;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  cmd->add_option("FILE", args->files, "files to import ('-' for standard input)")->required();
  cmd->add_flag("--single-transaction", args->single,
                "import all files in one transaction (default: one transaction per file)");
  cmd->add_flag("-q,--quiet", args->quiet, "no progress on stderr");
  cmd->footer("A file with a bad line is not applied at all; the error names the file and line.\n"
              "Exit status: 0 imported, 1 a data error, 2 a usage error.");
  return [args] {
    auto db = open_for_write(args->common.db);
    ImportOptions options;
    options.single_transaction = args->single;
    if (!args->quiet && isatty(STDERR_FILENO)) {
      options.progress = [](const std::filesystem::path& f, std::uint64_t lines) {
        fmt::print(stderr, "\r{}: {} lines", f.string(), lines);
      };
    }
    std::vector<std::filesystem::path> files(args->files.begin(), args->files.end());
    auto stats = import_files(*db, files, options);
    if (options.progress) fmt::print(stderr, "\r");
    if (args->common.json) {
      nlohmann::ordered_json j = {{"files", files.size()}, {"lines", stats.lines}, {"nodes", stats.nodes},
                                  {"edges", stats.edges}};
      fmt::print("{}\n", j.dump());
    } else if (!args->quiet) {
      fmt::print("imported {} file{}: {} lines, {} nodes, {} edges\n", files.size(), files.size() == 1 ? "" : "s",
                 stats.lines, stats.nodes, stats.edges);
    }
    return kOk;
  };
}

}  // namespace entente::cli
