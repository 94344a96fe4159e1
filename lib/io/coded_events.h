// What GDELT and ICEWS share: a CAMEO-coded event between two actors becomes an Event node
// with INVOLVES edges to the actors' states; a visit (CAMEO 042, 043) also becomes a Visit
// with its HOST (and, where the visitor is a person, its VISITOR); the signing of a formal
// agreement (057) also an Agreement with its parties. docs/import.md, "gdelt" and "icews".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "entente/record.h"
#include "io/importer.h"

namespace entente::io {

struct CodedActor {
  std::string name;                  // as the data set writes it; may be empty
  const Country* country = nullptr;  // the actor's state on the event date, if it resolves
  bool person = false;               // the name is a person's (ICEWS only)
};

struct CodedEvent {
  std::string prefix;  // "gdelt", "icews": begins the keys of what is written
  std::string id;      // the event's id in the data set
  Date date = Date(1970);
  std::string cameo;   // the CAMEO event code, as text ("042")
  std::optional<double> goldstein;
  std::string place;   // where it happened, as the data set names it
  std::string city;    // the city, when the data set gives one (a visit's city)
  std::string summary;
  CodedActor actor1, actor2;
  Citation cite;
  // Reports of one visit on one day (same visitor, same host) make one Visit node,
  // keyed "<prefix>-<date>-<host>-<slug of the visitor's name>", its citations united;
  // otherwise each event's visit is its own, keyed "<prefix>-<id>".
  bool merge_visit_reports = false;
};

// Writes the event and what it implies. Throws Error on a record the graph refuses.
void write_coded_event(ImportContext& ctx, const CodedEvent& e);

// The Person node a data set's person name stands for, created when missing (citing
// `cite`): the one Person whose name or alias is the name, when the name has two words
// or more and exactly one Person has it (so that ICEWS's "Kim Jong-Un" is the curated
// Person:kim-jong-un); otherwise `<prefix>-<slug of name>`.
NodeRef ensure_person(ImportContext& ctx, std::string_view prefix, const std::string& name, const Citation& cite);

}  // namespace entente::io
