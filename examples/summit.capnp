# A user-defined node type and edge type for examples/custom_type.cc.
# Any .capnp file that imports "/entente/meta.capnp" can define types: annotate a struct
# $M.node("Name") or $M.edge((name = "NAME", from = [...], to = [...])); its fields are the
# properties (snake_case in JSON). Generate a fresh file id with `capnp id`.
@0xa7c3e1d2b4f60918;

using M = import "/entente/meta.capnp";

struct Summit $M.node("Summit") $M.doc("A meeting of leaders at one venue") {
  venue @0 :Text $M.required;
  start @1 :M.Date $M.required;
  end @2 :M.Date;
  communique @3 :Bool;
}

struct Attended $M.edge((name = "ATTENDED", from = ["Person", "State"], to = ["Summit"]))
    $M.doc("A leader or state at a summit") {
  role @0 :Text $M.doc("host, member, guest");
}
