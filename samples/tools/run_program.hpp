// run_program.hpp: runs a shell command and returns what it printed on stdout; a failure to
// start or a non-zero exit throws, with the output so far. Shared by the samples' test tools.
#pragma once

#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>

inline std::string run_program(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  if (status != 0) throw std::runtime_error(command + " exited with status " + std::to_string(status) + ":\n" + out);
  return out;
}
