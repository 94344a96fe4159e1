# entente's on-disk records: the envelope around every node and edge, and the catalog.
# Frozen once released: add fields with new ordinals only. See docs/format.md.
@0x82dd90ad1dd8cf87;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("entente::schema");

# A validity interval [from, to) of partial dates, in Date.ymd encoding.
# from = 0: valid since always; to = 0: still valid (open end).
struct Interval {
  from @0 :UInt32;
  to @1 :UInt32;
}

# Where a fact comes from: a Document node's key, a place in it, and its words.
struct Citation {
  doc @0 :Text;
  locator @1 :Text;
  quote @2 :Text;
}

# The value of the `nodes` column family.
struct NodeRecord {
  typeTag @0 :UInt32;          # the catalog's tag for the node type
  key @1 :Text;                # unique within the type
  name @2 :Text;
  aliases @3 :List(Text);
  valid @4 :Interval;          # null pointer: no validity given
  props @5 :AnyPointer;        # a struct of the type's Cap'n Proto schema
  sources @6 :List(Citation);
  gaps @7 :List(Interval);     # stretches inside valid on which the node does not hold
                               # (a state outside the state system): bounded, in order,
                               # apart, strictly inside valid; empty for most nodes
  recorded @8 :UInt32;         # format 6: the commit that wrote this version (record
                               # time); 0: written before format 6. In the data word's
                               # second half, which typeTag left empty: no bytes added
}

# The value of the `edges` column family.
struct EdgeRecord {
  typeTag @0 :UInt32;
  from @1 :UInt64;             # node id
  to @2 :UInt64;               # node id
  key @3 :Text;                # optional, tells apart edges with the same ends and start
  valid @4 :Interval;          # null pointer: no validity given
  props @5 :AnyPointer;
  sources @6 :List(Citation);
  recorded @7 :UInt32;         # as NodeRecord.recorded (in the hole beside typeTag)
}

# Format 6: one entry of the commit log (the history family's 'c' entries).
struct CommitRecord {
  number @0 :UInt64;           # the commit's number (meta next_commit when it began)
  time @1 :Int64;              # when it was applied: microseconds since 1970-01-01 UTC,
                               # never earlier than the commit before it
  message @2 :Text;            # what the writer said of it (import --message)
  nodesCreated @3 :UInt64;
  nodesReplaced @4 :UInt64;
  nodesRemoved @5 :UInt64;
  edgesCreated @6 :UInt64;
  edgesReplaced @7 :UInt64;
  edgesRemoved @8 :UInt64;
}

# One type of the catalog.
struct CatalogType {
  name @0 :Text;
  tag @1 :UInt32;              # stable small integer used in keys and records
  isEdge @2 :Bool;
  structId @3 :UInt64;         # the Cap'n Proto struct id of its properties
}

# The value of meta key "catalog": the types, and every Cap'n Proto schema node they
# need (serialized schema.capnp Node structs), so that a database is self-describing.
struct Catalog {
  types @0 :List(CatalogType);
  schemaNodes @1 :List(Data);
}
