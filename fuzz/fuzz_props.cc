// Fuzzes typed properties (lib/catalog/props.h): arbitrary bytes that parse as JSON are
// given to catalog::props_from_json for every built-in node and edge type. Invariants:
// only entente::Error (kInvalid) escapes; properties that are accepted read back
// (props_to_json) as properties that are accepted again and read back the same (the
// normal form is a fixed point).
#include <capnp/message.h>

#include <cstdint>
#include <string_view>

#include "catalog/catalog.h"
#include "catalog/props.h"
#include "entente/entente.h"
#include "fuzz_util.h"

namespace {

using namespace entente;

// The properties as stored and read back, or nullopt when they are refused.
std::optional<Props> store(const catalog::TypeDef& t, const Props& props) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<capnp::DynamicStruct>(t.schema);
  try {
    catalog::props_from_json(t, props, root);
  } catch (const Error& e) {
    FUZZ_CHECK(e.kind() == ErrorKind::kInvalid);
    return std::nullopt;
  }
  return catalog::props_to_json(root.asReader());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto cat = catalog::Catalog::builtin();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The first byte picks a type, so that the fuzzer can learn each type's properties;
  // the rest is the JSON.
  if (text.empty()) return 0;
  const auto& types = cat->types();
  const auto& type = types[static_cast<unsigned char>(text[0]) % types.size()];
  Props props = Props::parse(text.substr(1), nullptr, /*allow_exceptions=*/false);
  if (props.is_discarded()) return 0;
  auto once = store(type, props);
  if (!once) return 0;
  auto twice = store(type, *once);
  FUZZ_CHECK(twice && *twice == *once);
  return 0;
}
