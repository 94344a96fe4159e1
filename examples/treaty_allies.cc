// Tutorial step 4: who are a state's treaty allies, and on what evidence? The same
// question on five dates, answered by entente::allies() with the treaty, the article
// creating the obligation, and whether the treaty is in force or only signed.
//
//   treaty_allies DB_DIR [DATA_FILE...] [--state STATE]
//
// DATA_FILEs (e.g. data/putin-visits-2024.jsonl) are imported first when given; STATE is
// a Type:key, key, name or alias (default: PRK, North Korea).
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <entente/entente.h>

namespace {

// "Article 4 (defense)": the articles of the treaty that create the obligations asked for.
std::string articles_of(const entente::AllianceLink& link) {
  std::string out;
  for (const auto& article : link.articles) {
    if (!out.empty()) out += "; ";
    out += "Article " + article.value("number", std::string("?"));
    std::string obligations;
    if (article.contains("obligations")) {
      for (const auto& o : article.at("obligations")) {
        if (!obligations.empty()) obligations += ", ";
        obligations += o.get<std::string>();
      }
    }
    if (!obligations.empty()) out += " (" + obligations + ")";
  }
  if (out.empty()) {
    // No article is recorded: say which of the treaty's (or the members') obligations count.
    for (const auto& o : link.obligations) out += (out.empty() ? "" : ", ") + o;
    out = "no article recorded; obligations: " + out;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace entente;
  if (argc < 2) {
    std::fprintf(stderr, "usage: treaty_allies DB_DIR [DATA_FILE...] [--state STATE]\n");
    return 2;
  }
  std::string state = "PRK";
  std::vector<std::filesystem::path> files;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--state" && i + 1 < argc) {
      state = argv[++i];
    } else {
      files.emplace_back(arg);
    }
  }

  try {
    auto db = Database::open(argv[1]);
    if (!files.empty()) import_files(*db, files);  // idempotent: importing twice changes nothing
    auto snap = db->snapshot();
    Node subject = snap->resolve(state);  // throws Error for an unknown state
    std::printf("Treaty allies of %s (%s), defense obligations, treaties in force or signed:\n",
                subject.name.c_str(), subject.ref().str().c_str());

    // A partial date ("1975") stands for its first day (1975-01-01).
    for (const char* day : {"1975", "1995", "2010", "2024-07-01", "2024-12-31"}) {
      // .at is required; obligations default to {"defense"}. include_signed also lists
      // treaties signed but not (yet) in force, marked as such in each link's status.
      AllyQuery query{.at = Date::parse(day), .include_signed = true};
      auto allies = entente::allies(*snap, subject.ref().str(), query);
      std::printf("\non %s: %zu all%s\n", day, allies.size(), allies.size() == 1 ? "y" : "ies");
      for (const Ally& ally : allies) {
        std::printf("  %s (%s)\n", ally.state.name.c_str(), ally.state.ref().str().c_str());
        // For one hop, the chain holds every treaty that links the two states.
        for (const AllianceLink& link : ally.chain) {
          std::printf("    %s [%s]\n      %s\n", link.treaty.name.c_str(), std::string(link_status(link)).c_str(),
                      articles_of(link).c_str());
          if (!link.sources.empty()) {
            const Citation& c = link.sources.front();
            std::printf("      source: %s%s%s\n", c.doc.c_str(), c.locator.empty() ? "" : ", ",
                        c.locator.c_str());
          }
        }
      }
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "treaty_allies: %s\n", e.what());
    return 1;
  }
  return 0;
}
