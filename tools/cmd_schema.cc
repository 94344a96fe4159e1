// entente schema --db DIR [--add FILE.capnp]: the types and their properties.
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {

Runner add_schema(CLI::App& app) {
  auto* cmd = app.add_subcommand("schema", "Show the database's node and edge types, or add types from a .capnp file");
  struct Args {
    Common common;
    std::string add;
    std::string type;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  cmd->add_option("TYPE", args->type, "show only this type");
  cmd->add_option("--add", args->add, "add the node and edge types of a Cap'n Proto file (see docs/format.md)")
      ->type_name("FILE.capnp")
      ->check(CLI::ExistingFile);
  return [args] {
    std::unique_ptr<Database> db;
    if (!args->add.empty()) {
      db = open_for_write(args->common.db);
      std::ifstream in(args->add);
      std::stringstream text;
      text << in.rdbuf();
      auto added = db->add_types(text.str(), std::filesystem::path(args->add).filename().string());
      if (!args->common.json) {
        fmt::print("added {} type{}{}{}\n", added.size(), added.size() == 1 ? "" : "s", added.empty() ? "" : ": ",
                   fmt::join(added, ", "));
      }
    } else {
      db = open_for_read(args->common.db);
    }
    auto types = db->snapshot()->types();
    if (!args->type.empty()) {
      std::erase_if(types, [&](const TypeInfo& t) { return t.name != args->type; });
      if (types.empty()) throw Error(ErrorKind::kNotFound, fmt::format("no type '{}'", args->type));
    }
    if (args->common.json) {
      auto j = nlohmann::ordered_json::array();
      for (const auto& t : types) {
        nlohmann::ordered_json tj = {{"name", t.name}, {"kind", t.is_edge ? "edge" : "node"}, {"doc", t.doc}};
        if (t.is_edge) {
          tj["from"] = t.from;
          tj["to"] = t.to;
        }
        tj["properties"] = nlohmann::ordered_json::array();
        for (const auto& p : t.properties) {
          nlohmann::ordered_json pj = {{"name", p.name}, {"type", p.type}, {"required", p.required}};
          if (!p.doc.empty()) pj["doc"] = p.doc;
          if (!p.values.empty()) pj["values"] = p.values;
          tj["properties"].push_back(pj);
        }
        j.push_back(tj);
      }
      fmt::print("{}\n", j.dump(2));
      return kOk;
    }
    for (const auto& t : types) {
      if (t.is_edge) {
        auto ends = [](const std::vector<std::string>& v) { return v.empty() ? std::string("any") : fmt::format("{}", fmt::join(v, "|")); };
        fmt::print("edge {} ({} -> {})", t.name, ends(t.from), ends(t.to));
      } else {
        fmt::print("node {}", t.name);
      }
      fmt::print("{}\n", t.doc.empty() ? "" : "  -- " + t.doc);
      for (const auto& p : t.properties) {
        std::string type = p.type;
        if (!p.values.empty()) type += fmt::format(" [{}]", fmt::join(p.values, "|"));
        fmt::print("    {:<26} {}{}{}\n", p.name, type, p.required ? " (required)" : "", p.doc.empty() ? "" : "  -- " + p.doc);
      }
    }
    return kOk;
  };
}

}  // namespace entente::cli
