# entente type annotations.
#
# A struct annotated $node or $edge is an entente type; its fields are the type's
# properties. Built-in types (geo.capnp) and user types (any .capnp file that imports
# "/entente/meta.capnp") are declared the same way. See docs/format.md.
#
# Evolution rules are Cap'n Proto's: add fields with new ordinals; never renumber,
# retype or reuse one. The ids below are frozen.
@0xbe83ee958d89f3e3;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("entente::schema");

# A calendar date that may be partial: `ymd` is year*10000 + month*100 + day, where a
# month or day of 0 means "not known" (1961 -> 19610000, 1961-07 -> 19610700).
# 0 means no date.
struct Date {
  ymd @0 :UInt32;
}

# An edge type: its name (conventionally UPPER_SNAKE, e.g. "PARTY_TO") and the node
# types its ends may have. An empty list accepts any node type.
struct EdgeSpec {
  name @0 :Text;
  from @1 :List(Text);
  to @2 :List(Text);
}

# Marks a struct as a node type. The value is the type's name (e.g. "State").
annotation node @0x8c6342a6bc56a09a (struct) :Text;

# Marks a struct as an edge type.
annotation edge @0xf65524722f7054fd (struct) :EdgeSpec;

# Marks a property as required: a write without it is refused.
annotation required @0xbd7c0911264df286 (field) :Void;

# Marks a Date property as the earliest day of its node's validity: a partial valid.from
# (a year or a month) that begins before that date, within the same year or month, is
# clamped to it when written. A Treaty's signature: a treaty in force from "2000" and
# signed on 2000-02-09 is in force from 2000-02-09, never before it was signed.
annotation validFromNotBefore @0xa40205bf28fbd4ef (field) :Void;

# Marks a node type whose validity is its period in force: a node of it without a validity
# has not entered into force and holds at no date (a Treaty or Agreement signed but not yet
# ratified), where a node of another type without a validity holds at every date. Every
# read on a date follows it: Node::valid_at, the adjacency reads, the topology, the query
# language's AT DATE and valid_at(), and an undated edge to such a node holds while the
# node does.
annotation inForceOnly @0xbc7a7c815f3ed119 (struct) :Void;

# A one-line description of a type or property, shown by `entente schema`.
annotation doc @0xeeb77c54bdee47cb (struct, field, enumerant) :Text;
