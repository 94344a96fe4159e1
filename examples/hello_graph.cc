// Tutorial step 1: create a database, write a few typed nodes and edges in one
// transaction, and read them back as of two dates.
//
//   hello_graph [DB_DIR]      (default: a fresh directory under /tmp)
#include <cstdio>
#include <filesystem>

#include <entente/entente.h>

int main(int argc, char** argv) {
  using namespace entente;
  std::filesystem::path dir = argc > 1 ? argv[1] : std::filesystem::temp_directory_path() / "entente-hello.db";
  std::filesystem::remove_all(dir);

  // Opening a directory that holds no database creates one, with the built-in types
  // (State, Treaty, PARTY_TO, ...; see `entente schema`).
  auto db = Database::open(dir);

  // Writes happen in a transaction: all of them land on commit(), or none do.
  auto txn = db->begin();
  txn->put_node({.type = "State", .key = "PRK", .name = "Democratic People's Republic of Korea",
                 .aliases = {"North Korea"}, .props = {{"cow", 731}}});
  txn->put_node({.type = "State", .key = "CHN", .name = "People's Republic of China", .aliases = {"China"}});
  // A treaty's validity is its period in force: [entry into force, termination).
  txn->put_node({.type = "Treaty",
                 .key = "prk-chn-1961",
                 .name = "Treaty of Friendship, Cooperation and Mutual Assistance",
                 .valid = Interval{Date::parse("1961-09-10"), std::nullopt},
                 .props = {{"signed", "1961-07-11"}, {"obligations", {"defense"}}}});
  // Edges join nodes named "Type:key". Every write is checked against the schema:
  // a wrong property or a missing end throws entente::Error and writes nothing.
  for (const char* state : {"State:PRK", "State:CHN"}) {
    txn->put_edge({.type = "PARTY_TO", .from = NodeRef::parse(state), .to = NodeRef::parse("Treaty:prk-chn-1961")});
  }
  txn->commit();

  // Reads go through a snapshot: a consistent view that later commits do not change.
  auto snap = db->snapshot();
  Node prk = snap->resolve("north korea");  // by name or alias, any case
  std::printf("%s: %s (COW %d)\n", prk.ref().str().c_str(), prk.name.c_str(), static_cast<int>(prk.props.integer("cow").value_or(0)));

  // The same question on two dates: the treaty entered into force on 1961-09-10.
  for (const char* day : {"1960-01-01", "2024-12-31"}) {
    auto treaties = snap->neighbors(prk.id, {.edge_types = {"PARTY_TO"}, .direction = Direction::kOut,
                                             .at = Date::parse(day)});
    std::printf("on %s, North Korea is party to %zu treat%s\n", day, treaties.size(), treaties.size() == 1 ? "y" : "ies");
    for (const auto& n : treaties) std::printf("  %s (%s)\n", n.node.name.c_str(), n.node.valid->str().c_str());
  }
  return 0;
}
