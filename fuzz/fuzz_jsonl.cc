// Fuzzes the interchange format (docs/interchange.md): parse_line on arbitrary bytes and,
// for lines that parse, put_node/put_edge into a transaction that is then rolled back, on
// a database opened once per process in a temporary directory and loaded with the
// bundled dataset (so that edges and citations can resolve).
//
// Invariants: only entente::Error escapes; a node or edge written reads back with what
// was given, its line (to_line) parses and writes again, and writing it again is
// idempotent (the same line).
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "entente/entente.h"
#include "fuzz_util.h"
#include "stored_validity.h"

namespace {

using namespace entente;

class Fixture {
 public:
  Fixture() {
    dir_ = std::filesystem::temp_directory_path() / ("entente-fuzz-jsonl-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Options options;
    options.sync = false;
    db_ = Database::open(dir_ / "db", options);
    import_files(*db_, {std::filesystem::path(ENTENTE_DATA_DIR) / "putin-visits-2024.jsonl"});
  }
  ~Fixture() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Database& db() { return *db_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void node_round_trip(Transaction& txn, const NodeInput& in, NodeId id) {
  auto got = txn.node(NodeRef{in.type, in.key});
  FUZZ_CHECK(got && got->id == id);
  FUZZ_CHECK(got->type == in.type && got->key == in.key && got->name == in.name);
  FUZZ_CHECK(got->aliases == in.aliases);
  static const auto builtin = catalog::Catalog::builtin();
  FUZZ_CHECK(got->valid == stored_validity(builtin->find(in.type), in.valid, got->props));
  FUZZ_CHECK(got->sources == in.sources);
  std::string line = to_line(*got);
  auto again = parse_line(line);  // must parse: a dump imports
  FUZZ_CHECK(std::holds_alternative<NodeInput>(again));
  FUZZ_CHECK(txn.put_node(std::get<NodeInput>(again)) == id);
  auto reread = txn.node(id);
  FUZZ_CHECK(reread && to_line(*reread) == line);
}

void edge_round_trip(Transaction& txn, const EdgeInput& in, EdgeId id) {
  auto got = txn.edge(id);
  FUZZ_CHECK(got);
  FUZZ_CHECK(got->type == in.type && got->from_ref == in.from && got->to_ref == in.to && got->key == in.key);
  FUZZ_CHECK(got->valid == in.valid);
  FUZZ_CHECK(got->sources == in.sources);
  std::string line = to_line(*got);
  auto again = parse_line(line);
  FUZZ_CHECK(std::holds_alternative<EdgeInput>(again));
  FUZZ_CHECK(txn.put_edge(std::get<EdgeInput>(again)) == id);
  auto reread = txn.edge(id);
  FUZZ_CHECK(reread && to_line(*reread) == line);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  std::variant<NodeInput, EdgeInput, Deletion> parsed;
  try {
    parsed = parse_line(line);
  } catch (const Error&) {
    return 0;
  }
  auto txn = fixture().db().begin();
  if (auto* n = std::get_if<NodeInput>(&parsed)) {
    std::optional<NodeId> id;
    try {
      id = txn->put_node(*n);
    } catch (const Error&) {
    }
    if (id) node_round_trip(*txn, *n, *id);
  } else if (auto* d = std::get_if<Deletion>(&parsed)) {
    // A deletion applies or is refused (a node with edges, an unknown type) as an Error,
    // and what it removes is gone.
    try {
      if (txn->remove(*d) && d->node) {
        if (txn->node(*d->node)) std::abort();
      }
    } catch (const Error&) {
    }
  } else {
    const auto& e = std::get<EdgeInput>(parsed);
    std::optional<EdgeId> id;
    try {
      id = txn->put_edge(e);
    } catch (const Error&) {
    }
    if (id) edge_round_trip(*txn, e, *id);
  }
  txn->rollback();
  return 0;
}
