// Helpers shared by the tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "entente/entente.h"

namespace entente::test {

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("entente-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// An existing database, opened read-only: it writes nothing.
inline std::unique_ptr<Database> open_read_only(const std::filesystem::path& path) {
  Options o;
  o.read_only = true;
  o.create_if_missing = false;
  return Database::open(path, o);
}

inline std::string dump_of(const Database& db) {
  std::ostringstream out;
  dump_jsonl(*db.snapshot(), out);
  return out.str();
}

// Imports interchange-format text into the database in one transaction.
inline void load(Database& db, const std::string& data) {
  std::istringstream in(data);
  auto txn = db.begin();
  import_jsonl(*txn, in, "test data");
  txn->commit();
}

// A State node to put: its key and name, nothing else.
inline NodeInput state(const std::string& key, const std::string& name) {
  NodeInput n;
  n.type = "State";
  n.key = key;
  n.name = name;
  return n;
}

// Puts Person:`key` (named "Person <key>") and its HOLDS_OFFICE edge to State:`state`.
inline void put_office_holder(Transaction& txn, const std::string& key, const std::string& state) {
  NodeInput p;
  p.type = "Person";
  p.key = key;
  p.name = "Person " + key;
  txn.put_node(p);
  EdgeInput e;
  e.type = "HOLDS_OFFICE";
  e.from = {"Person", key};
  e.to = {"State", state};
  e.props = Props::parse(R"({"office":"minister"})");
  txn.put_edge(e);
}

// A fresh database holding `data` (interchange-format text), and a snapshot of it.
struct Loaded {
  TempDir dir;
  std::unique_ptr<Database> db = Database::open(dir / "db");
  std::unique_ptr<Snapshot> snap;
  explicit Loaded(const std::string& data) {
    load(*db, data);
    snap = db->snapshot();
  }
};

// A file of ../shared/data (the real data sets beside the project, read-only), or an empty
// path when it is not there: tests that read it skip then.
inline std::filesystem::path shared_data(const std::string& rel) {
  for (auto dir = std::filesystem::path(ENTENTE_TESTS_DIR); !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path()) {
    auto p = dir.parent_path() / "shared" / "data" / rel;
    if (std::filesystem::exists(p)) return p;
  }
  return {};
}

// A small dataset in the interchange format, used by several tests.
inline const char* kSmallData = R"({"node":"Document","key":"brief","name":"A brief","props":{"published":"2024-06-21"}}
{"node":"State","key":"PRK","name":"Democratic People's Republic of Korea","aliases":["North Korea","DPRK"],"valid":{"from":"1948-09-09"},"props":{"iso3":"PRK","cow":731}}
{"node":"State","key":"CHN","name":"People's Republic of China","aliases":["China"],"props":{"iso3":"CHN","cow":710}}
{"node":"State","key":"RUS","name":"Russian Federation","aliases":["Russia"],"valid":{"from":"1991-12-26"},"props":{"cow":365}}
{"node":"Treaty","key":"prk-chn-1961","name":"Treaty of Friendship, Cooperation and Mutual Assistance","valid":{"from":"1961-09-10"},"props":{"signed":"1961-07-11","obligations":["defense"]}}
{"node":"Treaty","key":"rus-prk-2000","name":"Treaty of Friendship, Good-Neighbourliness and Cooperation","valid":{"from":"2000","to":"2024-12-04"},"props":{"signed":"2000-02-09","obligations":["consultation"]}}
{"node":"Treaty","key":"rus-prk-2024","name":"Treaty on Comprehensive Strategic Partnership","valid":{"from":"2024-12-04"},"props":{"signed":"2024-06-19","obligations":["defense"],"articles":[{"number":"4","obligations":["defense"],"summary":"immediate military assistance"}],"termination_notice_months":12},"sources":[{"doc":"brief","locator":"para 5","quote":"Article 4 states"}]}
{"node":"Treaty","key":"signed-only","name":"A treaty never in force","props":{"signed":"1990"}}
{"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:prk-chn-1961"}
{"edge":"PARTY_TO","from":"State:CHN","to":"Treaty:prk-chn-1961"}
{"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:rus-prk-2000"}
{"edge":"PARTY_TO","from":"State:RUS","to":"Treaty:rus-prk-2000"}
{"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:rus-prk-2024","props":{"signed":"2024-06-19"}}
{"edge":"PARTY_TO","from":"State:RUS","to":"Treaty:rus-prk-2024"}
{"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:signed-only"}
{"edge":"REPLACES","from":"Treaty:rus-prk-2024","to":"Treaty:rus-prk-2000","sources":[{"doc":"brief"}]}
{"edge":"PARTNERSHIP","from":"State:RUS","to":"State:PRK","valid":{"from":"2024-06-19"},"props":{"level":"comprehensive strategic partnership"}}
)";

}  // namespace entente::test
