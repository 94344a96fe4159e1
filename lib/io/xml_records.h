// A streaming reader of XML files that hold one record per element, as the U.S. Office of
// the Historian's are: <trips><trip who="..."><id>2819</id><country id="belgium">Belgium
// </country>...</trip>...</trips>. Built on expat, fed 64 KiB at a time; memory is bounded
// by the records' sizes, not the file's.
#pragma once

#include <cstdint>
#include <deque>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace entente::io {

// A child element of a record: its text (with that of elements inside it) and attributes.
struct XmlField {
  std::string text;
  std::map<std::string, std::string> attrs;
  std::uint64_t line = 0;
};

struct XmlRecord {
  std::uint64_t line = 0;  // where the record's start tag is
  std::map<std::string, std::string> attrs;
  // The wanted child elements, by name; the first of each name. Others are ignored.
  std::map<std::string, XmlField> fields;

  const XmlField* field(const std::string& name) const {
    auto it = fields.find(name);
    return it == fields.end() ? nullptr : &it->second;
  }
};

class XmlRecordReader {
 public:
  // The root element must be `root`; its `record` children are the records, and of their
  // children those named in `wanted` are kept.
  XmlRecordReader(std::istream& in, std::string source, std::string root, std::string record,
                  std::set<std::string> wanted);
  ~XmlRecordReader();
  XmlRecordReader(const XmlRecordReader&) = delete;
  XmlRecordReader& operator=(const XmlRecordReader&) = delete;

  // The next record; false at the end of the file. Throws Error(kInvalid)
  // "<source>:<line>: <reason>" for malformed XML, a document type declaration (refused:
  // no entity is ever expanded), another root element, an element's text longer than
  // 1 MiB, or a markup token (a tag, a comment) longer than that.
  bool next(XmlRecord& out);

  // Bytes read so far (for progress).
  std::uint64_t bytes() const { return bytes_; }

  // The longest text kept for an element, in bytes.
  static constexpr std::size_t kMaxText = std::size_t{1} << 20;

 private:
  struct Handlers;
  void fail(std::string reason);

  std::istream& in_;
  std::string source_;
  std::string root_, record_;
  std::set<std::string> wanted_;
  void* parser_ = nullptr;  // XML_Parser
  std::uint64_t bytes_ = 0;
  bool done_ = false;
  std::optional<std::string> error_;  // set by a handler, thrown once the records before it are taken

  // Parse state.
  int depth_ = 0;
  bool in_record_ = false;
  XmlRecord current_;
  XmlField* capture_ = nullptr;  // the field whose text is being read
  int capture_depth_ = 0;
  std::uint64_t last_event_ = 0;  // byte offset of the last parse event
  std::deque<XmlRecord> ready_;
};

}  // namespace entente::io
