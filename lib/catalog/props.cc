#include <algorithm>
#include "catalog/props.h"

#include <cmath>
#include <limits>

#include "common/error.h"
#include "common/text.h"
#include "entente/date.h"

namespace entente::catalog {
namespace {

using W = capnp::schema::Type::Which;


bool required(capnp::StructSchema::Field field) {
  for (auto a : field.getProto().getAnnotations()) {
    if (a.getId() == kRequiredAnnotation) return true;
  }
  return false;
}

const char* json_kind(const Props& v) {
  switch (v.type()) {
    case Props::value_t::null: return "null";
    case Props::value_t::boolean: return "a boolean";
    case Props::value_t::string: return "a string";
    case Props::value_t::array: return "an array";
    case Props::value_t::object: return "an object";
    case Props::value_t::number_float: return "a decimal number";
    default: return "an integer";
  }
}

template <typename T>
T integer(const Props& v, const std::string& where) {
  if (!v.is_number_integer()) throw invalid("{}: expected an integer, got {}", where, json_kind(v));
  bool fits = v.is_number_unsigned() ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())
                                     : v.get<std::int64_t>() >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
                                           (v.get<std::int64_t>() < 0 ||
                                            static_cast<std::uint64_t>(v.get<std::int64_t>()) <=
                                                static_cast<std::uint64_t>(std::numeric_limits<T>::max()));
  if (!fits) {
    throw invalid("{}: {} is out of range ({}..{})", where, v.dump(), +std::numeric_limits<T>::min(),
                  +std::numeric_limits<T>::max());
  }
  return v.is_number_unsigned() ? static_cast<T>(v.get<std::uint64_t>()) : static_cast<T>(v.get<std::int64_t>());
}

const std::string& string_of(const Props& v, const std::string& where) {
  if (!v.is_string()) throw invalid("{}: expected a string, got {}", where, json_kind(v));
  return v.get_ref<const std::string&>();
}

capnp::DynamicEnum enum_of(capnp::EnumSchema schema, const Props& v, const std::string& where) {
  const auto& s = string_of(v, where);
  KJ_IF_MAYBE(e, schema.findEnumerantByName(kj::StringPtr(text::snake_to_camel(s).c_str()))) {
    // One spelling only: "non_aggression", not "nonAggression".
    if (text::camel_to_snake(e->getProto().getName().cStr()) == s) return capnp::DynamicEnum(*e);
  }
  std::vector<std::string> names;
  for (auto e : schema.getEnumerants()) names.push_back(text::camel_to_snake(e.getProto().getName().cStr()));
  throw invalid("{}: '{}' is not one of {}{}", where, s, fmt::join(names, ", "), text::did_you_mean(s, names));
}

std::uint32_t date_of(const Props& v, const std::string& where) {
  const auto& s = string_of(v, where);
  try {
    return Date::parse(s).ymd();
  } catch (const Error& e) {
    throw with_context(e, where);
  }
}

void fill_struct(capnp::StructSchema schema, const Props& json, capnp::DynamicStruct::Builder out,
                 const std::string& where, const TypeDef* type);

// Sets a scalar (non-list, non-struct) value into a struct field or a list element.
capnp::DynamicValue::Reader scalar(capnp::Type t, const Props& v, const std::string& where, std::string& keep) {
  switch (t.which()) {
    case W::BOOL:
      if (!v.is_boolean()) throw invalid("{}: expected true or false, got {}", where, json_kind(v));
      return v.get<bool>();
    case W::INT8: return integer<std::int8_t>(v, where);
    case W::INT16: return integer<std::int16_t>(v, where);
    case W::INT32: return integer<std::int32_t>(v, where);
    case W::INT64: return integer<std::int64_t>(v, where);
    case W::UINT8: return integer<std::uint8_t>(v, where);
    case W::UINT16: return integer<std::uint16_t>(v, where);
    case W::UINT32: return integer<std::uint32_t>(v, where);
    case W::UINT64: return integer<std::uint64_t>(v, where);
    case W::FLOAT32:
    case W::FLOAT64: {
      if (!v.is_number()) throw invalid("{}: expected a number, got {}", where, json_kind(v));
      double d = v.get<double>();
      if (!std::isfinite(d)) throw invalid("{}: the number must be finite", where);
      return d;
    }
    case W::TEXT: {
      keep = string_of(v, where);
      if (keep.find('\0') != std::string::npos) throw invalid("{}: text must not hold NUL characters", where);
      return capnp::Text::Reader(keep.c_str(), keep.size());
    }
    case W::ENUM: return enum_of(t.asEnum(), v, where);
    default: throw invalid("{}: unsupported property type", where);
  }
}

void fill_list(capnp::ListSchema schema, const Props& json, capnp::DynamicList::Builder out, const std::string& where) {
  auto elem = schema.getElementType();
  for (unsigned i = 0; i < json.size(); ++i) {
    std::string at = fmt::format("{}[{}]", where, i);
    const Props& v = json[i];
    if (elem.isStruct()) {
      auto s = elem.asStruct();
      if (Catalog::is_date(s)) {
        out[i].as<capnp::DynamicStruct>().set("ymd", date_of(v, at));
      } else {
        fill_struct(s, v, out[i].as<capnp::DynamicStruct>(), at, nullptr);
      }
    } else if (elem.isList()) {
      if (!v.is_array()) throw invalid("{}: expected an array, got {}", at, json_kind(v));
      fill_list(elem.asList(), v, out.init(i, static_cast<unsigned>(v.size())).as<capnp::DynamicList>(), at);
    } else {
      std::string keep;
      out.set(i, scalar(elem, v, at, keep));
    }
  }
}

// What fill_struct needs of a struct's fields: a type's are worked out once, in its
// TypeDef (props, in the schema's field order); a nested struct's (a Treaty's Article)
// each time.
struct FieldInfo {
  const std::string* name;
  capnp::StructSchema::Field field;
  bool required;
};
std::vector<FieldInfo> fields_of(capnp::StructSchema schema, const TypeDef* type, std::vector<std::string>& names) {
  std::vector<FieldInfo> out;
  if (type && type->schema == schema && type->props.size() == schema.getFields().size()) {
    for (const auto& p : type->props) out.push_back({&p.name, p.field, p.required});
    return out;
  }
  for (auto f : schema.getFields()) names.push_back(text::camel_to_snake(f.getProto().getName().cStr()));
  unsigned i = 0;
  for (auto f : schema.getFields()) out.push_back({&names[i++], f, required(f)});
  return out;
}

void fill_struct(capnp::StructSchema schema, const Props& json, capnp::DynamicStruct::Builder out,
                 const std::string& where, const TypeDef* type) {
  if (!json.is_object()) throw invalid("{}: expected an object, got {}", where, json_kind(json));
  std::vector<std::string> names;
  names.reserve(schema.getFields().size());
  const auto fields = fields_of(schema, type, names);
  // Names first: an unknown property is refused before anything is set.
  for (auto it = json.begin(); it != json.end(); ++it) {
    const std::string& name = it.key();
    bool known = std::any_of(fields.begin(), fields.end(), [&](const FieldInfo& f) { return *f.name == name; });
    if (!known) {
      std::vector<std::string> all;
      for (const auto& f : fields) all.push_back(*f.name);
      throw invalid("{}unknown property '{}' of {}{}", where.empty() ? "" : where + ": ", name,
                    type ? type->name : std::string(schema.getShortDisplayName().cStr()),
                    text::did_you_mean(name, all));
    }
  }
  // Then the values, in the schema's field order, not the object's: the same properties
  // given in another order encode to the same bytes (so a put that changes nothing is
  // seen as unchanged).
  for (const auto& info : fields) {
    const auto& name = *info.name;
    auto field = info.field;
    auto found = json.find(name);
    if (found == json.end()) continue;
    std::string at = where.empty() ? "property '" + name + "'" : where + "." + name;
    const Props& v = *found;
    if (v.is_null()) continue;
    auto t = field.getType();
    if (t.isStruct()) {
      auto s = t.asStruct();
      if (Catalog::is_date(s)) {
        out.init(field).as<capnp::DynamicStruct>().set("ymd", date_of(v, at));
      } else {
        fill_struct(s, v, out.init(field).as<capnp::DynamicStruct>(), at, nullptr);
      }
    } else if (t.isList()) {
      if (!v.is_array()) throw invalid("{}: expected an array, got {}", at, json_kind(v));
      fill_list(t.asList(), v, out.init(field, static_cast<unsigned>(v.size())).as<capnp::DynamicList>(), at);
    } else {
      std::string keep;
      out.set(field, scalar(t, v, at, keep));
    }
  }
  for (const auto& info : fields) {
    if (!info.required) continue;
    const auto& name = *info.name;
    if (!json.contains(name) || json[name].is_null()) {
      throw invalid("{}{} requires property '{}' ({})", where.empty() ? "" : where + ": ",
                    type ? type->name : std::string(schema.getShortDisplayName().cStr()), name,
                    type && type->prop(name) ? type->prop(name)->type_name : std::string("a value"));
    }
  }
}

Props value_to_json(capnp::DynamicValue::Reader v, capnp::Type t);

Props struct_to_json(capnp::DynamicStruct::Reader in) {
  Props out = Props::object();
  for (auto field : in.getSchema().getFields()) {
    if (!prop_is_set(in, field)) continue;
    out[text::camel_to_snake(field.getProto().getName().cStr())] = value_to_json(in.get(field), field.getType());
  }
  return out;
}

Props value_to_json(capnp::DynamicValue::Reader v, capnp::Type t) {
  switch (t.which()) {
    case W::BOOL: return v.as<bool>();
    case W::INT8:
    case W::INT16:
    case W::INT32:
    case W::INT64: return v.as<std::int64_t>();
    case W::UINT8:
    case W::UINT16:
    case W::UINT32:
    case W::UINT64: return v.as<std::uint64_t>();
    case W::FLOAT32:
    case W::FLOAT64: return v.as<double>();
    case W::TEXT: return std::string(v.as<capnp::Text>().cStr());
    case W::ENUM: {
      KJ_IF_MAYBE(e, v.as<capnp::DynamicEnum>().getEnumerant()) {
        return text::camel_to_snake(e->getProto().getName().cStr());
      }
      return v.as<capnp::DynamicEnum>().getRaw();  // a value newer than this schema
    }
    case W::STRUCT: {
      auto s = v.as<capnp::DynamicStruct>();
      if (Catalog::is_date(s.getSchema())) {
        auto ymd = s.get("ymd").as<std::uint32_t>();
        try {
          return Date::from_ymd(ymd).str();
        } catch (const Error&) {
          throw corruption("a stored date ({}) is not a date", ymd);
        }
      }
      return struct_to_json(s);
    }
    case W::LIST: {
      Props out = Props::array();
      auto elem = t.asList().getElementType();
      for (auto e : v.as<capnp::DynamicList>()) out.push_back(value_to_json(e, elem));
      return out;
    }
    default: return nullptr;
  }
}

}  // namespace

void props_from_json(const TypeDef& t, const Props& props, capnp::DynamicStruct::Builder out) {
  if (!props.is_object()) throw invalid("props of {}: expected an object, got {}", t.name, json_kind(props));
  fill_struct(t.schema, props, out, "", &t);
}

Props props_to_json(capnp::DynamicStruct::Reader in) { return struct_to_json(in); }

bool prop_is_set(capnp::DynamicStruct::Reader in, capnp::StructSchema::Field field) {
  // A required property is always written, even at its default (an enum's first value).
  if (!in.has(field, capnp::HasMode::NON_DEFAULT) && !(required(field) && in.has(field))) return false;
  // A Date of 0 is "no date" (schema/meta.capnp).
  return !(field.getType().isStruct() && Catalog::is_date(field.getType().asStruct()) &&
           in.get(field).as<capnp::DynamicStruct>().get("ymd").as<std::uint32_t>() == 0);
}

Props prop_to_json(capnp::DynamicStruct::Reader in, capnp::StructSchema::Field field) {
  if (!prop_is_set(in, field)) return nullptr;
  return value_to_json(in.get(field), field.getType());
}

}  // namespace entente::catalog
