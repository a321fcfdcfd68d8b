// busy_loops.hpp: competing load for the benchmark's busy mode: child processes that each keep one
// core busy (a `while :; do :; done`), started and stopped by the benchmark. They cannot outlive
// it: each dies with its parent (PR_SET_PDEATHSIG), after a time limit of its own (alarm), and
// the benchmark kills them at exit and on a fatal signal.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace busy {

inline std::vector<pid_t>& children() {
  static std::vector<pid_t> pids;
  return pids;
}

/// Kills and reaps every busy child (async-signal-safe: kill and waitpid only).
inline void stop() {
  for (pid_t pid : children()) {
    if (pid <= 0) continue;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  children().clear();
}

inline void on_fatal_signal(int sig) {
  for (pid_t pid : children())
    if (pid > 0 && kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
  signal(sig, SIG_DFL);
  raise(sig);
}

/// Starts `count` busy processes that stop by themselves after `limit_seconds` at the latest.
/// Returns false if one could not be started.
inline bool start(int count, unsigned limit_seconds) {
  static bool hooked = [] {
    std::atexit(stop);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL})
      signal(sig, on_fatal_signal);
    return true;
  }();
  (void)hooked;
  const pid_t parent = getpid();
  for (int i = 0; i < count; ++i) {
    const pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {  // the child: only async-signal-safe calls from here on
      for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) signal(sig, SIG_DFL);
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);  // the parent died before prctl
      alarm(limit_seconds);               // SIGALRM ends the process
      volatile unsigned long spin = 0;
      for (;;) spin = spin + 1;
    }
    children().push_back(pid);
  }
  return true;
}

}  // namespace busy
