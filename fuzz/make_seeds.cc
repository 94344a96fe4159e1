// Writes the seed corpora in fuzz/corpus/ from the bundled dataset (built with the fuzz
// targets, run by hand when the format changes):
//   build-fuzz/fuzz/fuzz_make_seeds data/putin-visits-2024.jsonl fuzz/corpus
// For each type: a few of its lines (fuzz_jsonl), its properties (fuzz_props: a byte
// choosing the type, then the JSON) and its stored records (fuzz_record); and dates
// (fuzz_date). Hand-written hostile lines are added to fuzz_jsonl.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "catalog/catalog.h"
#include "entente/entente.h"
#include "graph/records.h"

namespace {

using namespace entente;
namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fuzz_make_seeds DATA.jsonl CORPUS_DIR\n";
    return 2;
  }
  fs::path data = argv[1], out = argv[2];
  fs::path tmp = fs::temp_directory_path() / ("entente-seeds-" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  {
    Options options;
    options.sync = false;
    auto db = Database::open(tmp / "db", options);
    import_files(*db, {data});
    auto snap = db->snapshot();
    auto cat = catalog::Catalog::builtin();
    std::map<std::string, unsigned> selector;  // fuzz_props: the first byte picks a type
    for (unsigned i = 0; i < cat->types().size(); ++i) selector[cat->types()[i].name] = i;
    std::map<std::string, int> written;
    const int kPerType = 3;
    for (const auto& t : cat->types()) {
      if (t.is_edge) continue;
      snap->scan(t.name, [&](const Node& n) {
        int i = written[n.type]++;
        if (i >= kPerType) return false;
        std::string name = fmt::format("{}-{}", n.type, i);
        write(out / "fuzz_jsonl" / name, to_line(n));
        write(out / "fuzz_props" / name, std::string(1, static_cast<char>(selector[n.type])) + n.props.to_json().dump());
        NodeInput in{n.type, n.key, n.name, n.aliases, n.valid, n.props.to_json(), n.sources, n.gaps};
        write(out / "fuzz_record" / ("node-" + name), graph::encode_node(t, in));
        snap->out_edges(n.id, [&](const Edge& e) {
          int j = written[e.type]++;
          if (j >= kPerType) return true;
          std::string ename = fmt::format("{}-{}", e.type, j);
          write(out / "fuzz_jsonl" / ename, to_line(e));
          write(out / "fuzz_props" / ename, std::string(1, static_cast<char>(selector[e.type])) + e.props.to_json().dump());
          EdgeInput ein{e.type, e.from_ref, e.to_ref, e.key, e.valid, e.props.to_json(), e.sources};
          write(out / "fuzz_record" / ("edge-" + ename), graph::encode_edge(*cat->find(e.type), e.from, e.to, ein));
          return true;
        });
        return true;
      });
    }
  }
  fs::remove_all(tmp);
  // Hostile and edge-case lines (tests/io/hostile_test.cc has the full cases).
  std::map<std::string, std::string> lines = {
      {"hostile-deep", std::string(80, '[') + std::string(80, ']')},
      {"hostile-nul-escaped", R"({"node":"State","key":"A\u0000B"})"},
      {"hostile-control", R"({"node":"State","key":"X","aliases":["a\u001b[31m"]})"},
      {"hostile-surrogate", R"({"node":"State","key":"\ud800"})"},
      {"hostile-date", R"({"node":"State","key":"X","valid":{"from":"0000-13-45","to":"2024-02-30"}})"},
      {"hostile-numbers", R"({"node":"Event","key":"e","props":{"goldstein":1e400,"cow":18446744073709551616}})"},
      {"hostile-colon", R"({"edge":"MEMBER_OF","from":"Organization:a:b","to":"Organization::x:"})"},
      {"hostile-duplicate", R"({"node":"State","key":"A","key":"B"})"},
      {"hostile-quote", R"({"node":"State","key":"X","sources":[{"doc":"pism-89-2024","quote":"a\nb"}]})"},
      {"hostile-valid-empty", R"({"node":"Treaty","key":"t","valid":{},"props":{"signed":"2024"}})"},
  };
  for (const auto& [name, line] : lines) write(out / "fuzz_jsonl" / name, line);
  for (std::string d : {"1961", "1961-07", "1961-07-11", "2024-02-29", "2023-02-29", "0001-01-01", "9999-12-31",
                        "0000-13-45", "2024-06-19T00:00", "99999"}) {
    write(out / "fuzz_date" / d, d);
  }
  std::cout << "seeds written to " << out.string() << "\n";
  return 0;
}
