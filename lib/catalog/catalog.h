// The catalog: the typed schema of a database. Each node or edge type is a Cap'n Proto
// struct annotated $node or $edge (schema/meta.capnp); its fields are the properties.
// The catalog is stored in the database (meta "catalog") with every schema node it
// needs, so that a database describes itself and opens without the .capnp files.
// A Catalog is immutable once built; adding types makes a new one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <capnp/schema-loader.h>
#include <capnp/schema.h>

namespace entente::catalog {

// The id of the $required annotation (schema/meta.capnp).
inline constexpr std::uint64_t kRequiredAnnotation = 0xbd7c0911264df286ull;
// The id of the $validFromNotBefore annotation.
inline constexpr std::uint64_t kValidFromNotBeforeAnnotation = 0xa40205bf28fbd4efull;
// The id of the $inForceOnly annotation.
inline constexpr std::uint64_t kInForceOnlyAnnotation = 0xbc7a7c815f3ed119ull;

// Where a property lies in its struct and what it holds, worked out once from the schema,
// for code that writes records without Cap'n Proto's dynamic API (catalog/props_dom.cc,
// the bulk load's path), which looks the same up on every call.
struct PropSlot {
  enum Kind : std::uint8_t {
    kDynamic,  // through the dynamic API: a list of structs or lists, data, an explicit default
    kBool, kInt8, kInt16, kInt32, kInt64, kUInt8, kUInt16, kUInt32, kUInt64, kFloat32, kFloat64,
    kEnum, kText, kDate, kList,
  };
  Kind kind = kDynamic;
  Kind element = kDynamic;   // kList: its elements' kind (a scalar, an enum, or kText)
  std::uint32_t offset = 0;  // data fields: in the field's own size (bits for kBool); pointers: the index
  // kDate: the Date struct's size and where its ymd (UInt32) lies, as the catalog's schema has them.
  std::uint16_t date_words = 0, date_pointers = 0;
  std::uint32_t date_ymd = 0;
  // kEnum, or a list of them: each enumerant's JSON name (snake_case) and number.
  std::vector<std::pair<std::string, std::uint16_t>> enumerants;
};

struct PropDef {
  std::string name;  // snake_case, as in JSON
  capnp::StructSchema::Field field;
  bool required = false;
  bool valid_from_not_before = false;  // a Date the node's valid.from is clamped to
  std::string doc;
  std::string type_name;  // "Text", "Int32", "Date", "List(Obligation)", ...
  PropSlot slot;
};

struct TypeDef {
  std::string name;
  std::uint32_t tag = 0;
  bool is_edge = false;
  capnp::StructSchema schema;
  // The struct's size (words of data, pointers), read once from the schema.
  std::uint16_t data_words = 0, pointers = 0;
  std::string doc;
  std::vector<std::string> from;  // edge types: allowed end node types; empty = any
  std::vector<std::string> to;
  std::vector<PropDef> props;
  // Annotated $inForceOnly (schema/meta.capnp): a node of this type without a validity
  // holds at no date. The one place the rule is declared; every read on a date asks it.
  bool in_force_only = false;
  const PropDef* prop(std::string_view name) const;
  // The Date property annotated $validFromNotBefore (a Treaty's `signed`), if any.
  const PropDef* validity_floor() const;
  std::vector<std::string> prop_names() const;
};

// Held by shared_ptr (every way of making one gives one): what is read from records keeps
// its catalog alive through it (shared_from_this).
class Catalog : public std::enable_shared_from_this<Catalog> {
 public:
  // The built-in geopolitical types (schema/geo.capnp).
  static std::shared_ptr<const Catalog> builtin();
  // A catalog as stored. Throws Error(kCorruption) when the bytes do not decode.
  static std::shared_ptr<const Catalog> deserialize(std::string_view bytes);
  std::string serialize() const;

  // A new catalog holding these types and those of a .capnp file's text. The file may
  // import "/entente/meta.capnp" and "/capnp/c++.capnp". Throws Error(kInvalid) on a
  // parse error, a name already taken, or a property of an unsupported type.
  std::shared_ptr<const Catalog> with_file(std::string_view display_name, std::string_view text) const;

  // This catalog brought up to date with a newer one (the build's built-in types): each
  // schema node of both is kept in its newer version (Cap'n Proto's rules: a compatible
  // superset is newer), and the newer catalog's types this one lacks are added with fresh
  // tags. Throws Error(kInvalid) when a stored schema is incompatible with the newer one.
  std::shared_ptr<const Catalog> upgraded(const Catalog& newer) const;

  const TypeDef* find(std::string_view name) const;
  // Throws Error(kCorruption) for an unknown tag (a record naming a type not in the catalog).
  const TypeDef& by_tag(std::uint32_t tag) const;
  const std::vector<TypeDef>& types() const { return types_; }
  std::vector<std::string> names(bool edges) const;

  // Whether s is entente's Date struct (schema/meta.capnp), stored as a date string in JSON.
  static bool is_date(capnp::StructSchema s);

  Catalog() = default;
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

 private:
  // Loads a schema node (a serialized schema::Node) and remembers its bytes for storing.
  void load_node(std::string bytes);
  // Adds the struct as a type, taking its name, ends and docs from its annotations.
  void add_type(capnp::StructSchema schema, std::uint32_t tag);

  capnp::SchemaLoader loader_;
  std::vector<std::string> schema_nodes_;
  std::vector<std::uint64_t> loaded_ids_;
  std::vector<TypeDef> types_;
  // Type tag -> index in types_ (-1: none), for by_tag() in constant time.
  std::vector<std::int32_t> tag_index_;
};

// ATOP's obligation categories, as JSON spells them (snake_case), in the order of the
// built-in schema's enum Obligation (schema/geo.capnp): defense, offense, neutrality,
// non_aggression, consultation. The one list: every place that names them reads it.
const std::vector<std::string>& obligation_names();

}  // namespace entente::catalog
