// Errors reported by entente.
//
// Every public call that can fail throws entente::Error, whose kind() tells a caller
// what went wrong and whose what() is a message a user can act on, naming the place
// (file, line, field) and the reason. An expected miss (no such node) is not an error:
// lookups return std::optional.
#pragma once

#include <stdexcept>
#include <string>

namespace entente {

enum class ErrorKind {
  kInvalid,     // bad input: a value, a record or a line that breaks the schema or the format
  kNotFound,    // a named thing that must exist does not (a node an edge refers to, a file)
  kConflict,    // the database is locked by another writer, or a transaction is finished
  kCorruption,  // stored data cannot be decoded
  kIO,          // the operating system or RocksDB failed
  kLimit,       // a query or walk passed a limit it was given (time, memory, steps) and was stopped
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace entente
