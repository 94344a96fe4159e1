// entente shell --db DIR [--format table|json|csv]: an interactive query shell. Statements
// may span lines and end with ';'. Commands start with ':' (:help, :schema, :quit, ...).
// An error is reported and the session goes on; the exit status is 1 when a statement
// failed, else 0. History: in memory (:history) and appended to ~/.entente_history
// ($ENTENTE_HISTORY names another file; empty: none). On a terminal, lines are read with
// libedit: arrow keys recall earlier statements (this session's and the history file's),
// and the usual Emacs keys edit the line.
#include <editline/readline.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {
namespace {

const char* kHelp = R"(Statements end with ';', may span lines, and several may share a line, e.g.
  MATCH (s:State {key: 'PRK'})-[:PARTY_TO]->(t:Treaty)
  RETURN t.name, valid_from(t) AT DATE date('2024-12-31');
  EXPLAIN MATCH (v:Visit)-[:HOST]->(h:State) RETURN h.name, count(*);
  CALL allies('North Korea', date('2024-12-31')) YIELD ally, treaty RETURN ally.name, treaty.key;
Commands:
  :help                  this text (the language: docs/query.md)
  :schema [TYPE]         the node and relationship types and their properties
  :procedures            the procedures (CALL name(...) YIELD ...)
  :functions             the functions
  :format table|json|csv how results are printed
  :param NAME=VALUE      set a parameter $NAME (VALUE as JSON if it is JSON, else text)
  :param NAME => EXPR    set $NAME to the value of a query expression: :param d => date('2024-12-31')
  :params                the parameters set
  :timing                print each statement's time after its result (again: stop)
  :history               the statements of this session and earlier ones
  :quit                  leave (also :exit, or end of input)
)";

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string history_path() {
  if (const char* h = std::getenv("ENTENTE_HISTORY")) return h;
  if (const char* home = std::getenv("HOME")) return std::string(home) + "/.entente_history";
  return {};
}

void print_schema(const Reader& reader, const std::string& only) {
  bool found = false;
  for (const auto& t : reader.types()) {
    if (!only.empty() && t.name != only) continue;
    found = true;
    if (t.is_edge) {
      fmt::print("(:{})-[:{}]->(:{})", t.from.empty() ? "any" : fmt::format("{}", fmt::join(t.from, "|")), t.name,
                 t.to.empty() ? "any" : fmt::format("{}", fmt::join(t.to, "|")));
    } else {
      fmt::print("(:{})", t.name);
    }
    std::vector<std::string> props;
    for (const auto& p : t.properties)
      props.push_back(fmt::format("{} {}{}", p.name, p.type, p.required ? " required" : ""));
    if (!props.empty()) fmt::print("  {}", fmt::join(props, ", "));
    fmt::print("\n");
  }
  if (!found) throw Error(ErrorKind::kInvalid, fmt::format("no type '{}' (:schema lists them all)", only));
}

// The complete statements at the start of `buffer` (each ending with a ';' outside strings
// and comments), removed from it.
std::vector<std::string> take_statements(std::string& buffer) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < buffer.size(); ++i) {
    if (buffer[i] != ';') continue;
    std::string_view candidate(buffer.data() + start, i + 1 - start);
    if (!statement_complete(candidate)) continue;
    if (!trim(std::string(candidate.substr(0, candidate.size() - 1))).empty()) out.emplace_back(candidate);
    start = i + 1;
  }
  buffer.erase(0, start);
  if (trim(buffer).empty()) buffer.clear();
  return out;
}

// " (did you mean ':schema'?)" for a command sharing its first letters with a known one.
std::string did_you_mean_command(const std::string& word) {
  static const char* commands[] = {":help",   ":schema", ":procedures", ":functions", ":format", ":param",
                                   ":params", ":timing", ":history",    ":quit",      ":exit"};
  for (std::size_t n = std::min<std::size_t>(word.size(), 4); n >= 2; --n) {
    for (const char* c : commands) {
      if (std::string(c).compare(0, n, word, 0, n) == 0) return fmt::format(" (did you mean '{}'?)", c);
    }
  }
  return "";
}

// One session of the shell: its database, settings, parameters, prepared statements and
// history.
class Shell {
 public:
  Shell(const std::string& db_path, OutputFormat format, QueryLimits limits)
      : db_path_(db_path), db_(open_for_read(db_path)), format_(format), limits_(limits), tty_(isatty(0) != 0) {
    load_history();
  }

  // Reads statements and commands until the end of input or :quit.
  int run() {
    if (tty_) fmt::print("entente shell on {}: statements end with ';', :help for help, :quit to leave\n", db_path_);
    std::string buffer;
    for (std::string line; read_line(line, buffer.empty());) {
      if (buffer.empty()) {
        std::string t = trim(line);
        if (t.empty()) continue;
        if (t[0] == ':') {
          if (!command(t)) return failed_ ? kDataError : kOk;
          continue;
        }
      }
      buffer += line;
      buffer += '\n';
      for (const auto& statement : take_statements(buffer)) run_statement(statement);
    }
    if (!trim(buffer).empty()) run_statement(buffer);  // the last statement may omit its ';'
    if (tty_) fmt::print("\n");
    return failed_ ? kDataError : kOk;
  }

 private:
  void load_history() {
    if (!hist_file_.empty()) {
      std::ifstream in(hist_file_);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty()) history_.push_back(line);
      }
    }
    if (tty_) {
      stifle_history(1000);
      for (const auto& h : history_) add_history(h.c_str());
    }
  }

  // A statement kept in the history, on one line.
  void remember(const std::string& text) {
    std::string one_line;
    for (char c : trim(text)) one_line += c == '\n' || c == '\r' ? ' ' : c;
    history_.push_back(one_line);
    if (tty_) add_history(one_line.c_str());
    if (!hist_file_.empty()) {
      std::ofstream out(hist_file_, std::ios::app);
      out << one_line << '\n';
    }
  }

  // One line: with line editing on a terminal, else from standard input as it comes.
  bool read_line(std::string& line, bool first) {
    if (!tty_) return static_cast<bool>(std::getline(std::cin, line));
    char* got = readline(first ? "entente> " : "      -> ");
    if (got == nullptr) return false;
    line = got;
    std::free(got);
    return true;
  }

  void report(const std::string& message) {
    fmt::print(stderr, "error: {}\n", message);
    std::fflush(stderr);
    failed_ = true;
  }

  void run_statement(const std::string& text) {
    remember(text);
    try {
      const auto started = std::chrono::steady_clock::now();
      auto snap = db_->snapshot();
      // Each statement is prepared once (parsed, checked, planned) and kept: run again,
      // with other parameters, it only runs.
      auto found = prepared_.find(text);
      if (found == prepared_.end()) {
        if (prepared_.size() >= 256) prepared_.clear();
        found = prepared_.emplace(text, prepare(*snap, text)).first;
      }
      auto result = found->second.run(*snap, params_, limits_);
      const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
      if (format_ == OutputFormat::kTable && is_explain(text)) {
        for (const auto& row : result.rows) fmt::print("{}\n", row[0].str());
      } else {
        print_result(result, format_);
      }
      if (timing_) fmt::print("time: {:.3f} ms\n", took.count());
    } catch (const Error& e) {
      report(e.what());
    }
    std::fflush(stdout);
  }

  void help() {
    fmt::print("{}", kHelp);
    fmt::print("Procedures (CALL name(...) YIELD ...; docs/query.md section 7):\n");
    for (const auto& row : query(*db_->snapshot(), "CALL procedures() YIELD signature RETURN signature").rows) {
      fmt::print("  {}\n", row[0].str());
    }
  }

  // :param name => expression (evaluated as a query would, with the parameters set), or
  // :param name value.
  void set_param(const std::string& rest) {
    auto arrow = rest.find("=>");
    if (arrow == std::string::npos) {
      auto [name, value] = parse_param(rest);
      params_[name] = std::move(value);
      return;
    }
    std::string name = trim(rest.substr(0, arrow));
    std::string expr = trim(rest.substr(arrow + 2));
    if (!is_param_name(name)) {
      throw Error(ErrorKind::kInvalid, fmt::format("'{}' is not a parameter name (letters, digits and _)", name));
    }
    if (expr.empty()) throw Error(ErrorKind::kInvalid, ":param NAME => EXPRESSION needs an expression");
    try {
      auto r = query(*db_->snapshot(), "RETURN\n" + expr, params_);
      params_[name] = r.rows.at(0).at(0);
    } catch (const Error& e) {
      // The expression is line 2 of the query run: name its place in the expression.
      std::string why = e.what();
      if (why.rfind("line 2:", 0) == 0) why = "column " + why.substr(7);
      throw Error(e.kind(), fmt::format(":param {} => {}: {}", name, expr, why));
    }
  }

  // A ':' command. Returns false to quit.
  bool command(const std::string& line) {
    std::string word = line.substr(0, line.find_first_of(" \t"));
    std::string rest = trim(line.substr(word.size()));
    if (word == ":quit" || word == ":exit" || word == ":q") return false;
    try {
      if (word == ":help" || word == ":h" || word == ":?") {
        help();
      } else if (word == ":schema") {
        print_schema(*db_->snapshot(), rest);
      } else if (word == ":procedures") {
        print_result(query(*db_->snapshot(), "CALL procedures()"), format_);
      } else if (word == ":functions") {
        print_result(query(*db_->snapshot(), "CALL functions()"), format_);
      } else if (word == ":format") {
        format_ = parse_format(rest);
      } else if (word == ":param") {
        set_param(rest);
      } else if (word == ":timing") {
        timing_ = !timing_;
        fmt::print("timing {}\n", timing_ ? "on" : "off");
      } else if (word == ":params") {
        for (const auto& [k, v] : params_) fmt::print("${} = {}\n", k, v.to_json().dump());
      } else if (word == ":history") {
        for (std::size_t i = 0; i < history_.size(); ++i) fmt::print("{:>4}  {}\n", i + 1, history_[i]);
      } else {
        report(fmt::format("unknown command '{}'{}; :help lists the commands", word, did_you_mean_command(word)));
      }
    } catch (const Error& e) {
      report(e.what());
    } catch (const CLI::ValidationError& e) {
      report(e.what());
    }
    std::fflush(stdout);
    return true;
  }

  std::string db_path_;
  std::unique_ptr<Database> db_;
  OutputFormat format_;
  QueryLimits limits_;
  bool tty_;
  Params params_;
  std::vector<std::string> history_;
  std::string hist_file_ = history_path();
  bool failed_ = false;
  bool timing_ = false;
  std::map<std::string, PreparedQuery> prepared_;
};

}  // namespace

Runner add_shell(CLI::App& app) {
  auto* cmd = app.add_subcommand("shell",
                                 "An interactive query shell: statements end with ';'; :help, :schema, :quit; "
                                 "errors do not end the session (reads standard input, so it can be scripted)");
  struct Args {
    Common common;
    std::string format = "table";
    LimitOptions limits;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common, false);
  cmd->add_option("--format,-f", args->format, "output: table (default), json or csv")->type_name("FORMAT");
  add_limits(*cmd, args->limits);
  return [args] {
    Shell shell(args->common.db, parse_format(args->format), args->limits.limits());
    return shell.run();
  };
}

}  // namespace entente::cli
