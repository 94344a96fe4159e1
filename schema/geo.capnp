# The built-in geopolitical types. Each struct is a node or edge type; its fields are
# the type's properties. JSON property names are the field names in snake_case
# (`terminationNoticeMonths` <-> "termination_notice_months"). See docs/interchange.md.
# Frozen once released: add fields with new ordinals only.
@0xf0290c16789f3bd3;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("entente::geo");
using M = import "meta.capnp";
using Date = M.Date;

# ATOP's obligation categories.
enum Obligation {
  defense @0;
  offense @1;
  neutrality @2;
  nonAggression @3;
  consultation @4;
}

# One article of a treaty.
struct Article {
  number @0 :Text;                   # "4", "8", "II"
  obligations @1 :List(Obligation);  # the obligations this article creates
  summary @2 :Text;
  quote @3 :Text;
}

# ---------------------------------------------------------------- nodes

struct State $M.node("State") $M.doc("A sovereign state; key: ISO 3166 alpha-3 (historical states: COW abbreviation)") {
  iso3 @0 :Text;
  cow @1 :Int32 $M.doc("Correlates of War country code");
  cowAbbrev @2 :Text $M.doc("Correlates of War state abbreviation");
  capital @3 :Text;
  gwCode @4 :Int32 $M.doc("Gleditsch-Ward state code");
}

struct Person $M.node("Person") $M.doc("A leader or other person") {
  born @0 :Date;
  died @1 :Date;
  archigosId @2 :Text $M.doc("Archigos leader id (leadid)");
  gender @3 :Text $M.doc("as the source codes it (Archigos: M, F)");
}

struct Organization $M.node("Organization") $M.doc("An international organization, party, company or forum") {
  abbrev @0 :Text;
  kind @1 :Text $M.doc("intergovernmental, forum, party, company, ...");
}

struct Treaty $M.node("Treaty") $M.inForceOnly $M.doc("A treaty; its validity is its period in force") {
  signed @0 :Date $M.validFromNotBefore $M.doc("date of signature; a partial valid.from is never before it");
  obligations @1 :List(Obligation);
  articles @2 :List(Article);
  terminationNoticeMonths @3 :UInt16 $M.doc("months from notice of termination to expiry");
  duration @4 :Text $M.doc("e.g. indefinite, 20 years");
  place @5 :Text $M.doc("where it was signed");
  summary @6 :Text;
  cowId @7 :Int32 $M.doc("COW alliance id");
  atopId @8 :Int32 $M.doc("ATOP alliance id");
  cowSsType @9 :Text $M.doc("COW alliance type (ss_type), e.g. Type I: Defense Pact");
}

struct Agreement $M.node("Agreement") $M.inForceOnly $M.doc("An agreement short of a treaty (memorandum, accord, contract)") {
  signed @0 :Date $M.validFromNotBefore $M.doc("date of signature; a partial valid.from is never before it");
  field @1 :Text $M.doc("education, energy, health, ...");
  summary @2 :Text;
  place @3 :Text;
  public @4 :Bool = true $M.doc("false where the text was not made public");
}

struct Visit $M.node("Visit") $M.doc("A trip by a leader to a host state") {
  start @0 :Date $M.required $M.doc("first day, inclusive");
  end @1 :Date $M.doc("last day, inclusive");
  city @2 :Text;
  kind @3 :Text $M.doc("state visit, official visit, summit, ...");
  summary @4 :Text;
}

struct Event $M.node("Event") $M.doc("Something that happened: a summit, a war, a vote, a coded event") {
  date @0 :Date;
  cameo @1 :Text $M.doc("CAMEO event code");
  goldstein @2 :Float64;
  place @3 :Text;
  summary @4 :Text;
  end @5 :Date $M.doc("last day of a multi-day event, inclusive");
}

struct Document $M.node("Document") $M.doc("A source: a brief, an article, a data set") {
  published @0 :Date;
  publisher @1 :Text;
  author @2 :Text;
  series @3 :Text;
  number @4 :Text;
  url @5 :Text;
}

# ---------------------------------------------------------------- edges

struct HoldsOffice $M.edge((name = "HOLDS_OFFICE", from = ["Person"], to = ["State", "Organization"]))
    $M.doc("A person holds an office of a state or organization") {
  office @0 :Text $M.required;
  entry @1 :Text $M.doc("how the term began (Archigos: Regular, Irregular, Foreign Imposition)");
  exit @2 :Text $M.doc("how the term ended (Archigos: Regular, Irregular, Natural Death, ...)");
  exitCode @3 :Text $M.doc("the detail of an irregular exit (Archigos exitcode)");
  sourceId @4 :Text $M.doc("the spell's id in its source (Archigos obsid)");
}

struct PartyTo $M.edge((name = "PARTY_TO", from = ["State", "Organization"], to = ["Treaty", "Agreement"]))
    $M.doc("A party to a treaty or agreement; no validity: follows the treaty's") {
  signed @0 :Date;
  ratified @1 :Date;
  obligations @2 :List(Obligation) $M.doc("this member's own obligations, overriding the treaty's");
  role @3 :Text;
}

struct MemberOf $M.edge((name = "MEMBER_OF", from = ["State", "Organization"], to = ["Organization"]))
    $M.doc("Membership of an organization") {
  role @0 :Text $M.doc("e.g. permanent member");
}

struct Visitor $M.edge((name = "VISITOR", from = ["Visit"], to = ["Person"])) $M.doc("Who made the visit") {
  office @0 :Text $M.doc("the office the visitor held on the trip");
}

struct Host $M.edge((name = "HOST", from = ["Visit"], to = ["State"])) $M.doc("The host state of a visit") {
  city @0 :Text;
}

struct Met $M.edge((name = "MET", from = ["Visit"], to = ["Person"])) $M.doc("Who the visitor met") {
  office @0 :Text $M.doc("the office the person met held then");
}

struct Produced $M.edge((name = "PRODUCED", from = ["Visit", "Event"], to = ["Treaty", "Agreement"]))
    $M.doc("A treaty or agreement signed during a visit or event") {
}

struct Replaces $M.edge((name = "REPLACES", from = ["Treaty", "Agreement"], to = ["Treaty", "Agreement"]))
    $M.doc("A treaty replaces an earlier one") {
}

struct Resembles $M.edge((name = "RESEMBLES", from = ["Treaty"], to = ["Treaty"]))
    $M.doc("A treaty carries wording similar to another's") {
  article @0 :Text $M.doc("the article of the from-treaty");
  otherArticle @1 :Text $M.doc("the article of the to-treaty");
  note @2 :Text;
}

struct Succeeds $M.edge((name = "SUCCEEDS", from = ["State"], to = ["State"]))
    $M.doc("A state continues another (Russia the USSR)") {
}

struct Partnership $M.edge((name = "PARTNERSHIP", from = ["State"], to = ["State", "Organization"]))
    $M.doc("A declared partnership between states") {
  level @0 :Text $M.required $M.doc("e.g. comprehensive strategic partnership");
}

struct Trade $M.edge((name = "TRADE", from = ["State", "Organization"], to = ["State", "Organization"]))
    $M.doc("Bilateral trade in one year") {
  year @0 :Int32 $M.required;
  value @1 :Float64 $M.required $M.doc("in `unit` of `currency`");
  currency @2 :Text $M.doc("ISO 4217, e.g. USD");
  unit @3 :Text $M.doc("e.g. billion");
  qualifier @4 :Text $M.doc("exact, about, more than");
}

struct ArmsTransfer $M.edge((name = "ARMS_TRANSFER", from = ["State", "Organization"], to = ["State", "Organization"]))
    $M.doc("Arms or military technology supplied by one state to another") {
  item @0 :Text $M.required;
  status @1 :Text $M.doc("confirmed, reported, possible, denied");
}

struct Stance $M.edge((name = "STANCE", from = ["State", "Organization", "Person"], to = []))
    $M.doc("An actor supports or criticises another actor or an event") {
  stance @0 :StanceKind $M.required;
  about @1 :Text $M.doc("what the stance concerns");
  quote @2 :Text;
}

enum StanceKind {
  supports @0;
  criticises @1;
  opposes @2;
  praises @3;
  abstains @4;
}

struct Involves $M.edge((name = "INVOLVES", from = ["Event"], to = []))
    $M.doc("A participant in an event") {
  role @0 :Text;
}
