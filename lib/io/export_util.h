// Shared pieces of the exporters (lib/io/export_*.cc): the part of the graph to export,
// property kinds, escaping for CSV, XML and DOT, and writing files.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/export.h"
#include "entente/schema.h"

namespace entente::io {

// The nodes and edges an export holds, in a deterministic order: nodes by type name then
// key; edges by their from node (in that order), then as out_edges gives them.
struct Subgraph {
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  // The types of the kept nodes and edges, by name (only those present).
  std::map<std::string, TypeInfo> node_types;
  std::map<std::string, TypeInfo> edge_types;
};

// Reads the nodes and edges that pass the options. Throws Error(kInvalid) for an unknown type.
Subgraph collect(const Reader& reader, const ExportOptions& options);
// The nodes given and every edge between two of them, valid on `at` when given (both ends
// are among `nodes`). Edges in the order of `nodes`, then as out_edges gives them.
std::vector<Edge> edges_between(const Reader& reader, const std::vector<Node>& nodes, std::optional<Date> at);

// What a property's values are, for typed columns.
enum class Scalar { kBool, kInt, kLong, kDouble, kString, kDate, kJson };
struct PropKind {
  Scalar scalar = Scalar::kString;
  bool list = false;  // a list of `scalar` values (kJson is never a list: a list of structs is kJson)
};
// Bool -> kBool; Int8..Int32, UInt8, UInt16 -> kInt; Int64, UInt32, UInt64 -> kLong;
// Float32/64 -> kDouble; Text and enums -> kString; Date -> kDate; structs, lists of
// structs or lists -> kJson; List(T) of the others -> T, list.
PropKind kind_of(const PropertyInfo& p);

// A scalar value as text: a string as it is, a number or boolean as JSON writes it
// ("3.6", "731", "true"), anything else as compact JSON.
std::string value_text(const Props& value);

// "1961-09-10", or "" when there is no such bound.
std::string from_text(const std::optional<Interval>& valid);
std::string to_text(const std::optional<Interval>& valid);

// Text for XML element content or an attribute value: & < > " ' escaped; characters XML 1.0
// does not allow (controls other than tab, LF, CR) replaced by U+FFFD; CR as &#13;.
std::string xml(std::string_view text);
// The inside of a DOT double-quoted string: " and \ escaped, newlines as \n.
std::string dot_quote(std::string_view text);
// The same, between double quotes.
std::string dot_quoted(std::string_view text);

// The name to display: the name, else Type:key.
std::string display_name(const Node& n);
// A short name: the first alias when shorter than the name ("North Korea"), else the name,
// else the key.
std::string short_name(const Node& n);
// Text wrapped at spaces into lines of about `width` characters (UTF-8 aware), joined by '\n'.
std::string wrap(std::string_view text, std::size_t width);

// An output file opened for writing; throws Error(kIO) naming the file when it cannot be.
std::ofstream open_out(const std::filesystem::path& file);
// Flushes and closes; throws Error(kIO) when the write failed.
void close_out(std::ofstream& out, const std::filesystem::path& file);
// Creates the directory (and parents) when missing; throws Error(kIO) when it cannot, or
// when the path is a file.
void make_dir(const std::filesystem::path& dir);

// The files of a directory export, written all or none: each is written under a temporary
// name beside its own (".NAME.tmp") and renamed into place by commit(). Destroyed without
// a commit (an error on the way), it removes what it wrote, and the directory when it made
// it, so that a failed export leaves no file half-written or empty and replaces none.
class OutputDir {
 public:
  explicit OutputDir(std::filesystem::path dir);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  const std::filesystem::path& path() const { return dir_; }
  // Opens file `name` of the directory for writing (its temporary name).
  std::ofstream open(const std::string& name);
  // Flushes and closes it; throws Error(kIO) naming the file when the write failed.
  void close(std::ofstream& out, const std::string& name);
  // Renames every file opened into place; returns their paths, in the order opened.
  std::vector<std::filesystem::path> commit();

 private:
  std::filesystem::path temp(const std::string& name) const;
  std::filesystem::path dir_;
  bool made_ = false;
  bool committed_ = false;
  std::vector<std::string> names_;
};

// DOT styling of a node type: "shape=box, style=\"filled\", fillcolor=\"#...\"".
std::string dot_node_style(const std::string& type);

}  // namespace entente::io
