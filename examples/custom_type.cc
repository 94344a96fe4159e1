// Tutorial step 3: add your own node and edge types, defined in Cap'n Proto
// (examples/summit.capnp), and query them like the built-in ones.
//
//   custom_type [SCHEMA_FILE] [DB_DIR]
#include <cstdio>
#include <fstream>
#include <sstream>

#include <entente/entente.h>

int main(int argc, char** argv) {
  using namespace entente;
  const char* schema_file = argc > 1 ? argv[1] : ENTENTE_EXAMPLE_SCHEMA;
  std::filesystem::path dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path() / "entente-custom.db";
  std::filesystem::remove_all(dir);
  try {
    auto db = Database::open(dir);

    // 1. Register the types. They are stored in the database, so reopening it (or the
    //    `entente` command) knows them without the .capnp file.
    std::ifstream in(schema_file);
    std::stringstream text;
    text << in.rdbuf();
    for (const auto& name : db->add_types(text.str(), "summit.capnp")) std::printf("added type %s\n", name.c_str());

    // 2. Write them like any other type; the schema is enforced (venue is required).
    auto txn = db->begin();
    txn->put_node({.type = "Person", .key = "biden", .name = "Joe Biden"});
    txn->put_node({.type = "Person", .key = "meloni", .name = "Giorgia Meloni"});
    txn->put_node({.type = "Summit", .key = "g7-2024", .name = "G7 summit, Apulia",
                   .props = {{"venue", "Borgo Egnazia"}, {"start", "2024-06-13"}, {"end", "2024-06-15"}}});
    txn->put_edge({.type = "ATTENDED", .from = {"Person", "meloni"}, .to = {"Summit", "g7-2024"}, .props = {{"role", "host"}}});
    txn->put_edge({.type = "ATTENDED", .from = {"Person", "biden"}, .to = {"Summit", "g7-2024"}, .props = {{"role", "member"}}});
    try {
      txn->put_node({.type = "Summit", .key = "nowhere", .props = {{"start", "2024"}}});
    } catch (const Error& e) {
      std::printf("refused as it should be: %s\n", e.what());
    }
    txn->commit();

    // 3. Query: who attended, in what role.
    auto snap = db->snapshot();
    Node summit = snap->resolve("Summit:g7-2024");
    std::printf("%s at %s, %s to %s\n", summit.name.c_str(), summit.props.text("venue")->c_str(),
                summit.props.text("start")->c_str(), summit.props.text("end")->c_str());
    for (const auto& a : snap->neighbors(summit.id, {.edge_types = {"ATTENDED"}, .direction = Direction::kIn})) {
      std::printf("  %s (%s)\n", a.node.name.c_str(), a.edge.props.text("role")->c_str());
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "custom_type: %s\n", e.what());
    return 1;
  }
  return 0;
}
