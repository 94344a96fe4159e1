// Drawing DOT text with Graphviz's `dot` program, found on PATH at run time.
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "io/export_util.h"

extern char** environ;

namespace entente {
namespace {

// The full path of an executable named `name` in a directory of PATH, or empty.
std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    auto end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return {};
}

// A file made with mkostemp, removed when this goes out of scope (unless released).
class TempFile {
 public:
  explicit TempFile(const std::filesystem::path& pattern) : path_(pattern.string()) {
    fd_ = ::mkostemp(path_.data(), O_CLOEXEC);  // not inherited by dot (stderr is dup2-ed in)
    if (fd_ < 0)
      throw io_error("{}: cannot create a temporary file: {}", pattern.parent_path().string(), std::strerror(errno));
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!released_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  void release() { released_ = true; }

 private:
  std::string path_;
  int fd_ = -1;
  bool released_ = false;
};

void write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw io_error("{}: write failed: {}", path, std::strerror(errno));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

void render_graphviz(std::string_view dot, const std::filesystem::path& out) {
  std::string ext = out.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext != ".svg" && ext != ".png" && ext != ".pdf") {
    throw invalid("{}: cannot tell the picture format from the extension '{}' (use .svg, .png or .pdf)", out.string(),
                  ext);
  }
  std::string program = find_on_path("dot");
  if (program.empty()) {
    throw not_found("Graphviz's 'dot' program is not on PATH; install Graphviz (Debian: apt-get install graphviz)");
  }
  auto tmp = std::filesystem::temp_directory_path();
  TempFile input(tmp / "entente-render-XXXXXX");
  write_all(input.fd(), dot, input.path());
  TempFile errors(tmp / "entente-render-err-XXXXXX");
  // Written next to `out` and renamed into place on success: `out` is whole or untouched.
  auto dir = out.parent_path().empty() ? std::filesystem::path(".") : out.parent_path();
  TempFile result(dir / ("." + out.filename().string() + ".XXXXXX"));

  std::string format = "-T" + ext.substr(1);
  std::string output = "-o" + result.path();
  std::vector<char*> argv{program.data(), format.data(), output.data(), const_cast<char*>(input.path().c_str()),
                          nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, errors.fd(), 2);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw io_error("cannot run {}: {}", program, std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw io_error("waiting for {}: {}", program, std::strerror(errno));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string text = read_all(errors.path());
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.size() > 2000) text = text.substr(0, 2000) + "...";
    std::string how = WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                                        : fmt::format("signal {}", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    throw io_error("Graphviz dot failed ({}) writing {}: {}", how, out.string(), text.empty() ? "no message" : text);
  }
  std::error_code ec;
  ::fchmod(result.fd(), 0644);
  std::filesystem::rename(result.path(), out, ec);
  if (ec) throw io_error("{}: cannot write: {}", out.string(), ec.message());
  result.release();
}

}  // namespace entente
