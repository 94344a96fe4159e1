// Uses the installed headers and library: writes a node and reads it back.
#include <cstdio>
#include <filesystem>

#include <entente/entente.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  auto db = entente::Database::open(argv[1]);
  auto txn = db->begin();
  txn->put_node({.type = "State", .key = "VNM", .name = "Viet Nam", .aliases = {"Vietnam"}});
  txn->commit();
  auto n = db->snapshot()->resolve("vietnam");
  std::printf("consumer ok: %s %s (entente %s)\n", n.ref().str().c_str(), n.name.c_str(), entente::kVersion);
  return n.key == "VNM" ? 0 : 1;
}
