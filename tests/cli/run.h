// Runs the entente command and captures its exit status, stdout and stderr.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "test_util.h"

namespace entente::test {

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

// `args` is appended to the command line as it is (quote it for the shell); `env`, if
// given, is put before the command ("NAME='value'").
inline Run entente_cmd(const TempDir& dir, const std::string& args, const std::string& stdin_file = "",
                       const std::string& env = "") {
  auto out = dir / "stdout.txt", err = dir / "stderr.txt";
  std::string cmd = (env.empty() ? "" : env + " ") + std::string("'") + ENTENTE_BIN + "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "'";
  if (!stdin_file.empty()) cmd += " <'" + stdin_file + "'";
  int raw = std::system(cmd.c_str());
  Run r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace entente::test
