#include "catalog/catalog.h"

#include <algorithm>

#include <capnp/message.h>
#include <capnp/schema-parser.h>
#include <kj/filesystem.h>

#include <fmt/format.h>

#include "catalog/embedded.h"
#include "common/error.h"
#include "common/text.h"
#include "envelope.capnp.h"
#include "meta.capnp.h"
#include "storage/store.h"

namespace entente::catalog {
namespace {

// Annotation ids of schema/meta.capnp. DO NOT CHANGE: user schemas refer to them.
constexpr std::uint64_t kNodeAnnotation = 0x8c6342a6bc56a09aull;
constexpr std::uint64_t kEdgeAnnotation = 0xf65524722f7054fdull;
constexpr std::uint64_t kDocAnnotation = 0xeeb77c54bdee47cbull;

template <typename List>
kj::Maybe<capnp::schema::Value::Reader> annotation(List annotations, std::uint64_t id) {
  for (auto a : annotations) {
    if (a.getId() == id) return a.getValue();
  }
  return nullptr;
}

std::string doc_of(capnp::List<capnp::schema::Annotation>::Reader annotations) {
  KJ_IF_MAYBE(v, annotation(annotations, kDocAnnotation)) { return v->getText(); }
  return {};
}

std::string type_name(capnp::Type t) {
  using W = capnp::schema::Type::Which;
  switch (t.which()) {
    case W::VOID: return "Void";
    case W::BOOL: return "Bool";
    case W::INT8: return "Int8";
    case W::INT16: return "Int16";
    case W::INT32: return "Int32";
    case W::INT64: return "Int64";
    case W::UINT8: return "UInt8";
    case W::UINT16: return "UInt16";
    case W::UINT32: return "UInt32";
    case W::UINT64: return "UInt64";
    case W::FLOAT32: return "Float32";
    case W::FLOAT64: return "Float64";
    case W::TEXT: return "Text";
    case W::DATA: return "Data";
    case W::LIST: return "List(" + type_name(t.asList().getElementType()) + ")";
    case W::ENUM: return t.asEnum().getShortDisplayName().cStr();
    case W::STRUCT: return t.asStruct().getShortDisplayName().cStr();
    case W::INTERFACE: return "Interface";
    case W::ANY_POINTER: return "AnyPointer";
  }
  return "?";
}

// A scalar, an enum or a Text as a PropSlot kind; kDynamic for the rest.
PropSlot::Kind slot_kind(capnp::Type t) {
  using W = capnp::schema::Type::Which;
  switch (t.which()) {
    case W::BOOL: return PropSlot::kBool;
    case W::INT8: return PropSlot::kInt8;
    case W::INT16: return PropSlot::kInt16;
    case W::INT32: return PropSlot::kInt32;
    case W::INT64: return PropSlot::kInt64;
    case W::UINT8: return PropSlot::kUInt8;
    case W::UINT16: return PropSlot::kUInt16;
    case W::UINT32: return PropSlot::kUInt32;
    case W::UINT64: return PropSlot::kUInt64;
    case W::FLOAT32: return PropSlot::kFloat32;
    case W::FLOAT64: return PropSlot::kFloat64;
    case W::ENUM: return PropSlot::kEnum;
    case W::TEXT: return PropSlot::kText;
    default: return PropSlot::kDynamic;
  }
}

std::vector<std::pair<std::string, std::uint16_t>> enumerants_of(capnp::Type t) {
  std::vector<std::pair<std::string, std::uint16_t>> out;
  for (auto e : t.asEnum().getEnumerants()) {
    // Only names that come back from JSON: props_from_json finds an enumerant by the
    // JSON name turned to camelCase, and checks that it turns back.
    std::string snake = text::camel_to_snake(e.getProto().getName().cStr());
    if (text::snake_to_camel(snake) != e.getProto().getName().cStr()) continue;
    out.emplace_back(std::move(snake), static_cast<std::uint16_t>(e.getOrdinal()));
  }
  return out;
}

PropSlot slot_of(capnp::StructSchema::Field field) {
  PropSlot s;
  auto proto = field.getProto();
  if (!proto.isSlot() || proto.getSlot().getHadExplicitDefault()) return s;
  const auto type = field.getType();
  s.offset = proto.getSlot().getOffset();
  if (type.isStruct()) {
    auto date = type.asStruct();
    if (!Catalog::is_date(date)) return s;
    KJ_IF_MAYBE(f, date.findFieldByName("ymd")) {
      auto fp = f->getProto();
      if (!fp.isSlot() || fp.getSlot().getHadExplicitDefault() || !f->getType().isUInt32()) return s;
      s.date_ymd = fp.getSlot().getOffset();
    } else {
      return s;
    }
    s.date_words = date.getProto().getStruct().getDataWordCount();
    s.date_pointers = date.getProto().getStruct().getPointerCount();
    s.kind = PropSlot::kDate;
    return s;
  }
  if (type.isList()) {
    auto element = type.asList().getElementType();
    s.element = slot_kind(element);
    if (s.element == PropSlot::kDynamic) return s;
    if (s.element == PropSlot::kEnum) s.enumerants = enumerants_of(element);
    s.kind = PropSlot::kList;
    return s;
  }
  s.kind = slot_kind(type);
  if (s.kind == PropSlot::kEnum) s.enumerants = enumerants_of(type);
  return s;
}

// Why a property type is not supported, or empty when it is.
std::string unsupported(capnp::Type t) {
  using W = capnp::schema::Type::Which;
  switch (t.which()) {
    case W::VOID:
    case W::DATA:
    case W::INTERFACE:
    case W::ANY_POINTER: return type_name(t);
    case W::LIST: return unsupported(t.asList().getElementType());
    case W::STRUCT:
      for (auto f : t.asStruct().getFields()) {
        if (f.getProto().isGroup() || f.getProto().getDiscriminantValue() != capnp::schema::Field::NO_DISCRIMINANT) {
          return "a struct with a union or group";
        }
        auto why = unsupported(f.getType());
        if (!why.empty()) return why;
      }
      return {};
    default: return {};
  }
}

std::string serialize_node(capnp::schema::Node::Reader proto) {
  capnp::MallocMessageBuilder message;
  message.setRoot(proto);
  return storage::encode(message);
}

kj::ArrayPtr<const kj::byte> bytes_of(std::string_view s) {
  return {reinterpret_cast<const kj::byte*>(s.data()), s.size()};
}

// An in-memory directory holding the embedded schema texts, for imports.
kj::Own<kj::Directory> embedded_dir() {
  auto dir = kj::newInMemoryDirectory(kj::nullClock());
  for (const auto& f : detail::embedded_schema_files()) {
    auto file = dir->openFile(kj::Path::parse(kj::StringPtr(std::string(f.path).c_str())),
                              kj::WriteMode::CREATE | kj::WriteMode::CREATE_PARENT);
    file->writeAll(bytes_of(f.text));
  }
  return dir;
}

// Collects the parser's errors (each reported as a recoverable exception naming the file,
// line and column) instead of letting the first one end the parse with "Parse error.".
class ErrorCollector : public kj::ExceptionCallback {
 public:
  void onRecoverableException(kj::Exception&& e) override {
    if (errors_.size() < 20) {
      // The parser numbers lines from 0; people number them from 1.
      std::string file = e.getFile();
      if (file.starts_with("user/")) file = file.substr(5);
      errors_.push_back(fmt::format("{}:{}: {}", file, e.getLine() + 1, e.getDescription().cStr()));
    }
  }
  std::string message() const { return fmt::format("{}", fmt::join(errors_, "; ")); }
  bool empty() const { return errors_.empty(); }

 private:
  std::vector<std::string> errors_;
};

bool is_type_struct(capnp::Schema s) {
  auto proto = s.getProto();
  if (!proto.isStruct()) return false;
  return annotation(proto.getAnnotations(), kNodeAnnotation) != nullptr ||
         annotation(proto.getAnnotations(), kEdgeAnnotation) != nullptr;
}

}  // namespace

const PropDef* TypeDef::validity_floor() const {
  for (const auto& p : props) {
    if (p.valid_from_not_before) return &p;
  }
  return nullptr;
}

const PropDef* TypeDef::prop(std::string_view n) const {
  for (const auto& p : props) {
    if (p.name == n) return &p;
  }
  return nullptr;
}

std::vector<std::string> TypeDef::prop_names() const {
  std::vector<std::string> out;
  for (const auto& p : props) out.push_back(p.name);
  return out;
}

bool Catalog::is_date(capnp::StructSchema s) { return s.getProto().getId() == capnp::typeId<schema::Date>(); }

void Catalog::load_node(std::string bytes) {
  storage::RecordReader reader(bytes, "catalog schema node");
  auto proto = reader.root<capnp::schema::Node>();
  if (std::find(loaded_ids_.begin(), loaded_ids_.end(), proto.getId()) != loaded_ids_.end()) return;
  loaded_ids_.push_back(proto.getId());
  loader_.load(proto);
  schema_nodes_.push_back(std::move(bytes));
}

void Catalog::add_type(capnp::StructSchema schema, std::uint32_t tag) {
  auto proto = schema.getProto();
  TypeDef t;
  t.tag = tag;
  t.schema = schema;
  t.data_words = proto.getStruct().getDataWordCount();
  t.pointers = proto.getStruct().getPointerCount();
  t.doc = doc_of(proto.getAnnotations());
  KJ_IF_MAYBE(v, annotation(proto.getAnnotations(), kNodeAnnotation)) {
    t.name = v->getText();
  } else KJ_IF_MAYBE(v, annotation(proto.getAnnotations(), kEdgeAnnotation)) {
    auto spec = v->getStruct().getAs<schema::EdgeSpec>();
    t.is_edge = true;
    t.name = spec.getName();
    for (auto n : spec.getFrom()) t.from.emplace_back(n);
    for (auto n : spec.getTo()) t.to.emplace_back(n);
  } else {
    throw invalid("struct {} is not annotated $node or $edge", schema.getShortDisplayName().cStr());
  }
  t.in_force_only = annotation(proto.getAnnotations(), kInForceOnlyAnnotation) != nullptr;
  if (t.in_force_only && t.is_edge) {
    throw invalid("struct {}: $inForceOnly marks a node type, not an edge type", schema.getShortDisplayName().cStr());
  }
  if (t.name.empty() || text::has_control(t.name) || t.name.find(':') != std::string::npos) {
    throw invalid("struct {}: '{}' is not a valid type name (non-empty, no ':' or control characters)",
                  schema.getShortDisplayName().cStr(), t.name);
  }
  for (auto field : schema.getFields()) {
    auto fp = field.getProto();
    if (fp.isGroup() || fp.getDiscriminantValue() != capnp::schema::Field::NO_DISCRIMINANT) {
      throw invalid("type {}: field {}: unions and groups are not supported as properties", t.name,
                    fp.getName().cStr());
    }
    auto why = unsupported(field.getType());
    if (!why.empty()) {
      throw invalid("type {}: field {}: {} is not supported as a property type", t.name, fp.getName().cStr(), why);
    }
    PropDef p{text::camel_to_snake(fp.getName().cStr()), field,
              annotation(fp.getAnnotations(), kRequiredAnnotation) != nullptr,
              annotation(fp.getAnnotations(), kValidFromNotBeforeAnnotation) != nullptr, doc_of(fp.getAnnotations()),
              type_name(field.getType()), slot_of(field)};
    if (p.valid_from_not_before && (t.is_edge || p.type_name != "Date")) {
      throw invalid("type {}: field {}: $validFromNotBefore marks a Date property of a node type", t.name,
                    fp.getName().cStr());
    }
    t.props.push_back(std::move(p));
  }
  if (std::count_if(t.props.begin(), t.props.end(), [](const PropDef& p) { return p.valid_from_not_before; }) > 1) {
    throw invalid("type {}: more than one property is $validFromNotBefore", t.name);
  }
  if (find(t.name)) throw invalid("type {} is defined twice", t.name);
  if (tag < (1u << 16)) {
    if (tag_index_.size() <= tag) tag_index_.resize(tag + 1, -1);
    tag_index_[tag] = static_cast<std::int32_t>(types_.size());
  }
  types_.push_back(std::move(t));
}

const TypeDef* Catalog::find(std::string_view name) const {
  for (const auto& t : types_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const TypeDef& Catalog::by_tag(std::uint32_t tag) const {
  if (tag < tag_index_.size() && tag_index_[tag] >= 0) return types_[static_cast<std::size_t>(tag_index_[tag])];
  for (const auto& t : types_) {
    if (t.tag == tag) return t;
  }
  throw corruption("a record names type tag {}, which the catalog does not hold", tag);
}

std::vector<std::string> Catalog::names(bool edges) const {
  std::vector<std::string> out;
  for (const auto& t : types_) {
    if (t.is_edge == edges) out.push_back(t.name);
  }
  return out;
}

std::string Catalog::serialize() const {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::Catalog>();
  auto types = root.initTypes(static_cast<unsigned>(types_.size()));
  for (unsigned i = 0; i < types_.size(); ++i) {
    types[i].setName(types_[i].name);
    types[i].setTag(types_[i].tag);
    types[i].setIsEdge(types_[i].is_edge);
    types[i].setStructId(types_[i].schema.getProto().getId());
  }
  auto nodes = root.initSchemaNodes(static_cast<unsigned>(schema_nodes_.size()));
  for (unsigned i = 0; i < schema_nodes_.size(); ++i) {
    nodes.set(i, capnp::Data::Reader(reinterpret_cast<const kj::byte*>(schema_nodes_[i].data()),
                                     schema_nodes_[i].size()));
  }
  return storage::encode(message);
}

std::shared_ptr<const Catalog> Catalog::deserialize(std::string_view bytes) {
  auto out = std::make_shared<Catalog>();
  try {
    storage::RecordReader reader(bytes, "catalog");
    auto root = reader.root<schema::Catalog>();
    for (auto n : root.getSchemaNodes()) {
      out->load_node(std::string(reinterpret_cast<const char*>(n.begin()), n.size()));
    }
    for (auto t : root.getTypes()) {
      out->add_type(out->loader_.get(t.getStructId()).asStruct(), t.getTag());
      if (out->types_.back().name != t.getName().cStr() || out->types_.back().is_edge != t.getIsEdge()) {
        throw corruption("catalog type {} does not match its schema", t.getName().cStr());
      }
    }
  } catch (const kj::Exception& e) {
    throw corruption("the catalog is damaged: {}", e.getDescription().cStr());
  }
  return out;
}

// Long: the steps a user's schema file goes through, in order, inside the one try block that
// turns Cap'n Proto's exceptions into errors naming the file: copy this catalog, place the
// file beside the embedded schemas, parse it, load each type with what it refers to, add
// the annotated structs, check the edges' ends.
std::shared_ptr<const Catalog> Catalog::with_file(std::string_view display_name, std::string_view text) const {
  // Copy this catalog, then add the file's types with fresh tags.
  auto out = std::make_shared<Catalog>();
  for (const auto& n : schema_nodes_) out->load_node(n);
  std::uint32_t next_tag = 1;
  for (const auto& t : types_) {
    out->add_type(out->loader_.get(t.schema.getProto().getId()).asStruct(), t.tag);
    next_tag = std::max(next_tag, t.tag + 1);
  }

  // The file sits beside the embedded schemas (so that geo.capnp's relative import of
  // meta.capnp resolves), which are also the import path for "/entente/..." imports.
  auto imports = embedded_dir();
  std::string file_name(display_name);
  if (!file_name.starts_with("entente/")) {
    auto slash = file_name.rfind('/');
    if (slash != std::string::npos) file_name = file_name.substr(slash + 1);
    if (file_name.empty() || text::has_control(file_name)) file_name = "schema.capnp";
    file_name = "user/" + file_name;
  }
  auto path = kj::Path::parse(kj::StringPtr(file_name.c_str()));
  imports->openFile(path, kj::WriteMode::CREATE | kj::WriteMode::MODIFY | kj::WriteMode::CREATE_PARENT)
      ->writeAll(bytes_of(text));
  const kj::ReadableDirectory* import_path[] = {imports.get()};

  capnp::SchemaParser parser;
  ErrorCollector errors;
  try {
    auto file = parser.parseFromDirectory(*imports, path.clone(), import_path);
    // Load each type and everything it refers to, then add the annotated structs.
    std::vector<capnp::StructSchema> found;
    auto collect = [&](auto& self, capnp::Type t) -> void {
      if (t.isStruct()) {
        auto s = t.asStruct();
        if (std::find(out->loaded_ids_.begin(), out->loaded_ids_.end(), s.getProto().getId()) != out->loaded_ids_.end()) return;
        out->load_node(serialize_node(s.getProto()));
        for (auto f : s.getFields()) self(self, f.getType());
      } else if (t.isEnum()) {
        out->load_node(serialize_node(t.asEnum().getProto()));
      } else if (t.isList()) {
        self(self, t.asList().getElementType());
      }
    };
    for (auto nested : file.getAllNested()) {
      if (!is_type_struct(nested)) continue;
      auto s = nested.asStruct();
      collect(collect, capnp::Type(s));
      found.push_back(s);
    }
    if (!errors.empty()) throw invalid("{}", errors.message());
    if (found.empty()) {
      throw invalid("{}: no struct annotated $node or $edge (import \"/entente/meta.capnp\")", display_name);
    }
    for (auto s : found) {
      auto loaded = out->loader_.get(s.getProto().getId()).asStruct();
      // Adding the same file again is a no-op for the types it already added.
      bool already = std::any_of(types_.begin(), types_.end(), [&](const TypeDef& t) {
        return t.schema.getProto().getId() == s.getProto().getId();
      });
      if (already) continue;
      out->add_type(loaded, next_tag++);
    }
    // An edge type's ends must name node types.
    for (const auto& t : out->types_) {
      for (const auto* ends : {&t.from, &t.to}) {
        for (const auto& end : *ends) {
          const TypeDef* n = out->find(end);
          if (!n || n->is_edge) {
            throw invalid("{}: edge type {}: '{}' is not a node type{}", display_name, t.name, end,
                          text::did_you_mean(end, out->names(false)));
          }
        }
      }
    }
  } catch (const kj::Exception& e) {
    if (!errors.empty()) throw invalid("{}", errors.message());
    throw invalid("{}: {}", display_name, e.getDescription().cStr());
  }
  if (!errors.empty()) throw invalid("{}", errors.message());
  return out;
}

std::shared_ptr<const Catalog> Catalog::upgraded(const Catalog& newer) const {
  auto out = std::make_shared<Catalog>();
  for (const auto& n : schema_nodes_) out->load_node(n);
  bool changed = false;
  try {
    for (const auto& n : newer.schema_nodes_) {
      if (std::find(schema_nodes_.begin(), schema_nodes_.end(), n) != schema_nodes_.end()) continue;  // the same
      changed = true;
      storage::RecordReader reader(n, "built-in schema node");
      auto proto = reader.root<capnp::schema::Node>();
      if (std::find(out->loaded_ids_.begin(), out->loaded_ids_.end(), proto.getId()) == out->loaded_ids_.end()) {
        out->load_node(n);
      } else {
        out->loader_.load(proto);  // the loader keeps whichever version is newer
      }
    }
  } catch (const kj::Exception& e) {
    throw invalid("the database's types are incompatible with this build's: {}", e.getDescription().cStr());
  }
  if (changed) {
    // Store the versions the loader kept.
    out->schema_nodes_.clear();
    for (auto id : out->loaded_ids_) out->schema_nodes_.push_back(serialize_node(out->loader_.get(id).getProto()));
  }
  std::uint32_t next_tag = 1;
  for (const auto& t : types_) {
    out->add_type(out->loader_.get(t.schema.getProto().getId()).asStruct(), t.tag);
    next_tag = std::max(next_tag, t.tag + 1);
  }
  for (const auto& t : newer.types_) {
    if (!out->find(t.name)) out->add_type(out->loader_.get(t.schema.getProto().getId()).asStruct(), next_tag++);
  }
  // A built-in type's rules are the build's: a catalog stored before an annotation was
  // added to geo.capnp keeps the older schema node (Cap'n Proto's loader keeps a node whose
  // fields are the same), so the flag is taken from the newer type of the same id.
  for (auto& t : out->types_) {
    for (const auto& n : newer.types_) {
      if (n.schema.getProto().getId() == t.schema.getProto().getId()) t.in_force_only = n.in_force_only;
    }
  }
  return out;
}

const std::vector<std::string>& obligation_names() {
  static const std::vector<std::string> names = [] {
    // The element type of Treaty.obligations, a List(Obligation).
    const TypeDef* treaty = Catalog::builtin()->find("Treaty");
    const PropDef* p = treaty ? treaty->prop("obligations") : nullptr;
    if (!p || !p->field.getType().isList() || !p->field.getType().asList().getElementType().isEnum()) {
      throw corruption("the built-in schema has no enum Obligation on Treaty.obligations");
    }
    std::vector<std::string> out;
    for (auto e : p->field.getType().asList().getElementType().asEnum().getEnumerants()) {
      out.push_back(text::camel_to_snake(e.getProto().getName().cStr()));
    }
    return out;
  }();
  return names;
}

std::shared_ptr<const Catalog> Catalog::builtin() {
  static const std::shared_ptr<const Catalog> geo = [] {
    Catalog empty;
    for (const auto& f : detail::embedded_schema_files()) {
      if (f.path == "entente/geo.capnp") return empty.with_file("entente/geo.capnp", f.text);
    }
    throw corruption("the built-in schema is missing from the library");
  }();
  return geo;
}

}  // namespace entente::catalog
