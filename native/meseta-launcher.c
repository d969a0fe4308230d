/*
 * meseta-launcher: runs one task for the Mesos containerizer and outlives the agent.
 *
 * Why native: a Node.js process per task would cost tens of MB; this costs a few
 * hundred kB and no CPU while the task runs (it only blocks in waitpid).
 *
 * Usage:
 *   meseta-launcher --sandbox=DIR --stdout=FILE --stderr=FILE
 *                   --checkpoint_dir=DIR [--config=TEXT] --status_file=FILE
 *                   [--cgroup=DIR]... [--cgroup_write=PATH=VALUE]...
 *                   [--oom_check=FILE] [--user=NAME] [--report_fd=N]
 *                   [--make_sandbox [--latest_link=PATH]]
 *                   (--shell=CMD | --exec=PATH -- ARGV0 ARGS...)
 *
 * The task runs with exactly the launcher's environment (the agent passes the
 * task's env when it spawns us). Steps:
 *   1. the launcher starts a new session (if not one already; forked by the
 *      server below, a process group of its own in the server's session) and
 *      ignores SIGHUP/SIGINT/SIGPIPE so the agent's death or its terminal do
 *      not kill it;
 *   2. it creates the --checkpoint_dir DIR (parents too) and, with --config,
 *      writes TEXT to DIR/config.json (tmp + rename) before anything else:
 *      the container's checkpoints, which the agent would otherwise write on
 *      its event loop for every task;
 *      with --make_sandbox it creates the sandbox (and its missing parents,
 *      mode 0755) and, with --latest_link, points PATH at it atomically
 *      (a symlink to the sandbox's last path component, renamed over PATH:
 *      Mesos's `runs/latest`); on failure it reports `error sandbox: ...` and
 *      starts nothing. The agent asks for this rather than creating the
 *      directories itself so that the filesystem's cost of creating them
 *      (several hundred microseconds each on some ext4 disks) is paid here,
 *      in parallel, not on its event loop;
 *      then it creates every --cgroup directory that is missing (parents too) and
 *      writes each --cgroup_write VALUE into PATH (the limits), in order; on
 *      failure it reports `error cgroup: ...` and starts nothing (the agent
 *      removes the cgroups). Doing this here, not in the agent, keeps
 *      cgroupfs's slow mkdirs and writes off the agent's event loop;
 *   3. it starts the task child (vfork-style: memory shared until exec), which
 *      joins every --cgroup (pid written into its
 *      cgroup.procs BEFORE exec, so no descendant can escape), starts its own
 *      session (so the task's tree is one process group/session the agent can
 *      signal without hitting the launcher), chdirs to the sandbox, puts
 *      /dev/null, the stdout file and the stderr file (append) on fds 0/1/2,
 *      resets the signal mask and dispositions, optionally switches user, and
 *      execs `/bin/sh -c CMD` or PATH with ARGV;
 *   4. a close-on-exec pipe tells the launcher whether the exec happened; on
 *      success it writes DIR/launcher.json (tmp + rename):
 *      {"launcherPid":N,"launcherStartTicks":N,"pid":N,"pidStartTicks":N}
 *      (a start time it could not read left out), and
 *      `ok <pid> <launcher start> <task start>\n` to the report fd (start
 *      times in clock ticks after boot, field 22 of /proc/<pid>/stat, 0 if
 *      unreadable: with the pids they tell a restarted agent our processes
 *      from recycled pids); on failure `error <stage>: <reason>\n`;
 *   5. it reaps the child and writes the raw wait status as decimal text to the
 *      status file (tmp + rename), then exits with the shell's encoding:
 *      exit code N, or 128 + signal number; 125 for a launcher usage error.
 *   6. before writing the status it sweeps the container: what the task left
 *      running is SIGKILLed until none is left — every process in its
 *      cgroups when it joined some (the cgroups also hold what left the
 *      session), else its session and process group (the launcher is the
 *      task's subreaper, so with no child left there is nothing to look
 *      for) — and the status file
 *      gets a line `swept`, so the agent need not look for survivors itself
 *      (Mesos kills the rest of a command task's container when the task
 *      ends; this is that kill, done earlier);
 *   7. once swept, it removes the --cgroup directories (not their parents)
 *      and adds a line `cgroups_removed`, unless the --oom_check file (a
 *      cgroup's `memory.oom_control` on v1, `memory.events` on v2) shows the
 *      kernel OOM-killed in the container (`oom_kill N`, N > 0) or cannot be
 *      read: the agent then reads the memory statistics for the limitation it
 *      reports, and removes the cgroups itself. Without --oom_check no
 *      limitation is checked. A cgroup the kernel still holds (EBUSY) after
 *      ~100 ms is left to the agent as well.
 *
 * Server mode, `meseta-launcher --serve`: a small fork server the agent starts
 * once, because forking the agent's large Node.js process per task costs several
 * milliseconds of its CPU while forking this one costs microseconds. Requests on
 * stdin, each `<length>\n<payload>`, the payload NUL-separated:
 *   id NUL argc NUL arg... NUL envc NUL env... NUL
 * (args as in the usage above, without the program name and --report_fd). For
 * each, the server forks a launcher (steps 1-7, with the request's environment)
 * and answers on stdout, a line each:
 *   spawned <id> <launcher pid> ok <task pid> <starts> | spawned <id> <launcher pid> error <reason>
 *   exited <launcher pid> <raw wait status> [<outcome>]
 * where <outcome> is what the launcher wrote to its --status_file, its lines
 * joined by `,` (e.g. `0,swept,cgroups_removed`), when there is such a file:
 * the server reads it once the launcher has been reaped (the launcher writes
 * it before it exits), so the agent need not read it on its event loop.
 * A request whose second field is `rmdir` or `rmtree` instead of argc,
 *   id NUL rmdir NUL dir... NUL      id NUL rmtree NUL path... NUL
 * removes those empty directories (rmdir: a cgroup must never be recursed
 * into), or those trees (rmtree: symlinks are removed, never followed), a
 * missing one counting as removed, and is answered `removed <id> 0`, or
 * `removed <id> <errno> <reason>` for the first that could not be. The agent
 * removes a finished container's cgroups and its retired checkpoints this way:
 * cgroupfs's rmdir costs ~70 µs of whoever calls it, a checkpoint tree a
 * dozen system calls, and here that is not the agent's event loop.
 * It does not wait for one launcher's report before forking the next: up to
 * MAX_INFLIGHT launchers start at once (under load, waiting for each to fork
 * and exec its task made the server the bottleneck). Answers of different ids
 * come in any order, but a launcher's `spawned` line always precedes its
 * `exited` line. At end of input it exits and leaves its launchers running
 * (they outlive the agent, as always).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <grp.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CGROUPS 16
#define MAX_CGROUP_WRITES 32
#define EXIT_USAGE 125

struct options {
  const char *sandbox;
  const char *stdout_path;
  const char *stderr_path;
  const char *checkpoint_dir;
  const char *config;
  const char *status_file;
  const char *user;
  const char *shell;
  const char *exec_path;
  const char *cgroups[MAX_CGROUPS];
  int n_cgroups;
  const char *cgroup_writes[MAX_CGROUP_WRITES]; /* PATH=VALUE, split at the last '=' */
  int n_cgroup_writes;
  const char *oom_check;
  int make_sandbox;
  const char *latest_link;
  char **argv;
  int report_fd;
};

/* What the child sends through the close-on-exec pipe when a step fails. */
struct child_failure {
  int stage;
  int err;
};

enum stage { STAGE_CGROUP, STAGE_CHDIR, STAGE_STDIO, STAGE_USER, STAGE_EXEC };
static const char *const stage_names[] = {"join cgroup", "chdir to sandbox", "open stdio",
                                          "switch user", "exec"};

static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Readers (the agent, possibly a later one) must never see a half-written file. */
static int write_file_atomically(const char *path, const char *text) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) return -1;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  int rc = write_all(fd, text, strlen(text));
  if (close(fd) != 0) rc = -1;
  if (rc == 0) rc = rename(tmp, path);
  return rc;
}

static void report(const struct options *o, const char *text) {
  if (o->report_fd < 0) return;
  /* The agent may already be gone (EPIPE, SIGPIPE is ignored): nothing to do then. */
  (void)write_all(o->report_fd, text, strlen(text));
}

static int starts_with(const char *arg, const char *prefix, const char **value) {
  size_t n = strlen(prefix);
  if (strncmp(arg, prefix, n) != 0) return 0;
  *value = arg + n;
  return 1;
}

/* The cgroup.procs file of each --cgroup, built before the child starts (it must not allocate). */
static char cgroup_procs[MAX_CGROUPS][4096];

static int parse_options(int argc, char **argv, struct options *o) {
  memset(o, 0, sizeof *o);
  o->report_fd = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v;
    if (strcmp(a, "--") == 0) {
      o->argv = &argv[i + 1];
      break;
    } else if (starts_with(a, "--sandbox=", &v)) o->sandbox = v;
    else if (starts_with(a, "--stdout=", &v)) o->stdout_path = v;
    else if (starts_with(a, "--stderr=", &v)) o->stderr_path = v;
    else if (starts_with(a, "--checkpoint_dir=", &v)) o->checkpoint_dir = v;
    else if (starts_with(a, "--config=", &v)) o->config = v;
    else if (starts_with(a, "--status_file=", &v)) o->status_file = v;
    else if (starts_with(a, "--user=", &v)) o->user = v;
    else if (starts_with(a, "--shell=", &v)) o->shell = v;
    else if (starts_with(a, "--exec=", &v)) o->exec_path = v;
    else if (starts_with(a, "--report_fd=", &v)) o->report_fd = atoi(v);
    else if (starts_with(a, "--oom_check=", &v)) o->oom_check = v;
    else if (strcmp(a, "--make_sandbox") == 0) o->make_sandbox = 1;
    else if (starts_with(a, "--latest_link=", &v)) o->latest_link = v;
    else if (starts_with(a, "--cgroup=", &v)) {
      if (o->n_cgroups == MAX_CGROUPS || strlen(v) + sizeof "/cgroup.procs" > sizeof cgroup_procs[0]) return -1;
      o->cgroups[o->n_cgroups++] = v;
    } else if (starts_with(a, "--cgroup_write=", &v)) {
      if (o->n_cgroup_writes == MAX_CGROUP_WRITES || !strrchr(v, '=')) return -1;
      o->cgroup_writes[o->n_cgroup_writes++] = v;
    } else {
      return -1;
    }
  }
  if (!o->sandbox || !o->stdout_path || !o->stderr_path || !o->checkpoint_dir || !o->status_file) return -1;
  if ((o->shell != NULL) == (o->exec_path != NULL)) return -1;
  if (o->latest_link && (!o->make_sandbox || !strrchr(o->sandbox, '/'))) return -1;
  if (o->exec_path && (!o->argv || !o->argv[0])) return -1;
  return 0;
}

static void fail_child(int errfd, enum stage stage) {
  struct child_failure f = {(int)stage, errno};
  (void)write_all(errfd, (const char *)&f, sizeof f);
  _exit(127);
}

static int join_cgroup(const char *procs_path) {
  char pid[32];
  int len = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
  int fd = open(procs_path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = write_all(fd, pid, (size_t)len);
  if (close(fd) != 0) rc = -1;
  return rc;
}

static int open_onto(const char *path, int flags, int target, const struct passwd *pw) {
  int fd = open(path, flags | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  /* The task, not root, must own the files it writes when it runs as a user. */
  if (pw && fchown(fd, pw->pw_uid, pw->pw_gid) != 0 && errno != EPERM) return -1;
  if (dup2(fd, target) < 0) return -1; /* dup2 clears FD_CLOEXEC on the target */
  close(fd);
  return 0;
}

/* Inherited descriptors (e.g. the agent's report pipe) must not leak into the task. */
static void close_inherited_fds(int keep) {
#if defined(CLOSE_RANGE_CLOEXEC) && defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
  /* One call on Linux >= 5.11; `keep` is close-on-exec already (it reports a failed exec). */
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
  DIR *d = opendir("/proc/self/fd");
  if (!d) {
    for (int fd = 3; fd < 1024; fd++)
      if (fd != keep) close(fd);
    return;
  }
  int dir_fd = dirfd(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    int fd = atoi(e->d_name);
    if (fd > 2 && fd != keep && fd != dir_fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  closedir(d);
}

static void reset_signals(void) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL); /* EINVAL for RT-reserved: fine */
}

/* What the task child needs: it runs in the launcher's memory, on its own stack (see launch). */
struct child_args {
  const struct options *o;
  int errfd;
  const struct passwd *pw;
  const gid_t *groups; /* pw's supplementary groups, looked up before the clone */
  int n_groups;
};

static void run_child(const struct child_args *a) {
  const struct options *o = a->o;
  int errfd = a->errfd;
  const struct passwd *pw = a->pw;
  for (int i = 0; i < o->n_cgroups; i++)
    if (join_cgroup(cgroup_procs[i]) != 0) fail_child(errfd, STAGE_CGROUP);
  setsid();
  if (chdir(o->sandbox) != 0) fail_child(errfd, STAGE_CHDIR);
  if (open_onto("/dev/null", O_RDONLY, 0, NULL) != 0 ||
      open_onto(o->stdout_path, O_WRONLY | O_CREAT | O_APPEND, 1, pw) != 0 ||
      open_onto(o->stderr_path, O_WRONLY | O_CREAT | O_APPEND, 2, pw) != 0)
    fail_child(errfd, STAGE_STDIO);
  if (pw && (setgid(pw->pw_gid) != 0 || setgroups((size_t)a->n_groups, a->groups) != 0 ||
             setuid(pw->pw_uid) != 0))
    fail_child(errfd, STAGE_USER);
  close_inherited_fds(errfd);
  reset_signals();
  if (o->shell) execl("/bin/sh", "sh", "-c", o->shell, (char *)NULL);
  else execvp(o->exec_path, o->argv);
  fail_child(errfd, STAGE_EXEC);
}

static int exit_code_for(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return EXIT_USAGE;
}

/*
 * Waits for `pid`. The launcher is the task's subreaper (launch()), so the
 * task's orphans become our children: those that end meanwhile are reaped here
 * too, or they would stay zombies until the sweep.
 */
static pid_t reap(pid_t pid, int *status) {
  for (;;) {
    int st;
    pid_t r = waitpid(-1, &st, 0);
    if (r == pid) {
      *status = st;
      return r;
    }
    if (r < 0 && errno != EINTR) return r;
  }
}

static void write_status(const struct options *o, int status, int swept, int cgroups_removed) {
  char text[64];
  snprintf(text, sizeof text, "%d\n%s%s", status, swept ? "swept\n" : "", cgroups_removed ? "cgroups_removed\n" : "");
  if (write_file_atomically(o->status_file, text) != 0)
    fprintf(stderr, "meseta-launcher: cannot write %s: %s\n", o->status_file, strerror(errno));
}

/* Reaps the children that have ended; 1 when none is left at all (ECHILD). */
static int no_children_left(void) {
  int status;
  pid_t r;
  while ((r = waitpid(-1, &status, WNOHANG)) > 0) {
  }
  return r < 0 && errno == ECHILD;
}

/* How long the sweep waits for the task's dying children before walking /proc, ms. */
#define SWEEP_WAIT_MS 50

/* Waits up to `ms` for every child to end (reaping them); 1 when none is left. */
static int children_gone_within(long ms) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  /* Blocked, a SIGCHLD stays pending between the check and the wait (SIG_DFL would drop it). */
  sigprocmask(SIG_BLOCK, &chld, NULL);
  struct timespec now, end;
  clock_gettime(CLOCK_MONOTONIC, &end);
  end.tv_sec += ms / 1000;
  end.tv_nsec += (ms % 1000) * 1000000L;
  if (end.tv_nsec >= 1000000000L) {
    end.tv_sec++;
    end.tv_nsec -= 1000000000L;
  }
  int gone;
  while (!(gone = no_children_left())) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long left = (long long)(end.tv_sec - now.tv_sec) * 1000000000LL + (end.tv_nsec - now.tv_nsec);
    if (left <= 0) break;
    struct timespec wait = {(time_t)(left / 1000000000LL), (long)(left % 1000000000LL)};
    sigtimedwait(&chld, NULL, &wait);
  }
  sigprocmask(SIG_UNBLOCK, &chld, NULL);
  return gone;
}

/* Live members of session `sid` (or process group `sid`), at most `max`; -1 if /proc is unreadable. */
static int session_members(pid_t sid, pid_t *out, int max) {
  DIR *d = opendir("/proc");
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  char path[300], buf[512];
  while ((e = readdir(d)) != NULL && n < max) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0) continue;
    buf[len] = '\0';
    /* comm may hold spaces and parentheses: the fields start after the last ')'. */
    char *p = strrchr(buf, ')');
    char state;
    int ppid, pgrp, session;
    if (!p || sscanf(p + 1, " %c %d %d %d", &state, &ppid, &pgrp, &session) != 4) continue;
    if (state == 'Z' || state == 'X') continue;
    if (session == sid || pgrp == sid) out[n++] = (pid_t)atoi(e->d_name);
  }
  closedir(d);
  return n;
}

/*
 * SIGKILLs what is left of the task's session after its leader ended; returns 1
 * when nothing is left (the agent can skip its own sweep), 0 otherwise.
 */
static int sweep_session(pid_t sid) {
  pid_t pids[1024];
  kill(-sid, SIGKILL); /* the task's process group: ESRCH when empty */
  /*
   * Every member of the session descends from the task, and its orphans come
   * to us (the subreaper): with no child left, nothing is left to sweep. This
   * spares the walk of /proc below, which a burst of kills (an app scaled from
   * 1,000 instances to 0) made O(tasks x processes) in the kernel. A shell's
   * child killed with it is often still dying when the shell is reaped: it is
   * waited for, briefly, before anything is walked.
   */
  if (children_gone_within(SWEEP_WAIT_MS)) return 1;
  for (int attempt = 0; attempt < 50; attempt++) {
    if (no_children_left()) return 1;
    int n = session_members(sid, pids, 1024);
    if (n < 0) return 0;
    if (n == 0) return 1;
    for (int i = 0; i < n; i++) kill(pids[i], SIGKILL);
    usleep(2000);
  }
  return 0;
}

/*
 * SIGKILLs every process in cgroup.procs of `procs_path`; returns how many it
 * saw (0: empty), -1 when the file cannot be read.
 */
static int kill_cgroup_members(const char *procs_path) {
  /* Something other than cgroupfs's regular file (a FIFO) must neither hang nor be drained here. */
  int fd = open(procs_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return -1;
  }
  FILE *procs = fdopen(fd, "r");
  if (!procs) {
    close(fd);
    return -1;
  }
  int pid, seen = 0;
  while (fscanf(procs, "%d", &pid) == 1) {
    kill((pid_t)pid, SIGKILL);
    seen++;
  }
  int failed = ferror(procs);
  fclose(procs);
  return failed ? -1 : seen;
}

/*
 * Step 6 with cgroups: SIGKILLs what is left in the task's cgroups until they
 * are empty (nothing can join an empty cgroup by forking); 1 when they are.
 */
static int sweep_cgroups(const struct options *o) {
  for (int attempt = 0; attempt < 50; attempt++) {
    int left = 0;
    for (int i = 0; i < o->n_cgroups; i++) {
      int n = kill_cgroup_members(cgroup_procs[i]);
      if (n < 0) return 0;
      left += n;
    }
    if (left == 0) return 1;
    usleep(2000);
  }
  return 0;
}

/* Step 7's condition: 1 when --oom_check is absent or says `oom_kill 0`. */
static int no_oom_kill(const struct options *o) {
  if (!o->oom_check) return 1;
  int fd = open(o->oom_check, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[1024];
  ssize_t len = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (len <= 0) return 0;
  buf[len] = '\0';
  for (char *line = buf; line; line = strchr(line, '\n')) {
    if (*line == '\n') line++;
    const char *count;
    if (starts_with(line, "oom_kill ", &count)) return strtol(count, NULL, 10) == 0;
  }
  return 0; /* a kernel without the counter: only the agent's heuristics can tell */
}

/* Step 7: rmdir every --cgroup, last first; 0 when all are gone. */
static int remove_cgroups(const struct options *o) {
  for (int i = o->n_cgroups - 1; i >= 0; i--) {
    int attempt = 0;
    /* The kernel may hold a just-killed task in the cgroup for a moment: EBUSY. */
    while (rmdir(o->cgroups[i]) != 0 && errno != ENOENT) {
      if (errno != EBUSY || ++attempt == 100) return -1;
      usleep(1000);
    }
  }
  return 0;
}

/* Field 22 (starttime) of /proc/<pid>/stat; 0 when it cannot be read. A zombie still has it. */
static unsigned long long start_ticks(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t len = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (len <= 0) return 0;
  buf[len] = '\0';
  /* comm may hold spaces and parentheses: fields are counted from the last ')', which ends field 2. */
  char *p = strrchr(buf, ')');
  if (!p) return 0;
  p++;
  for (int field = 3; field < 22; field++) {
    p = strchr(p + 1, ' ');
    if (!p) return 0;
  }
  return strtoull(p + 1, NULL, 10);
}

/*
 * mkdir -p (mode 0755). The missing parents are found from the path's end, not
 * its root: a sandbox's first missing directory is a few levels up, so each
 * level above it would cost a failed mkdir for nothing.
 */
static int make_dirs(const char *path) {
  char buf[4096];
  size_t len = strlen(path);
  if (len >= sizeof buf) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(buf, path, len + 1);
  /* Cut the path at its last separators until a directory can be made (or exists). */
  char *cut[128];
  int n_cut = 0;
  for (;;) {
    if (mkdir(buf, 0755) == 0 || errno == EEXIST) break;
    char *slash = strrchr(buf, '/');
    if (errno != ENOENT || slash == NULL || slash == buf || n_cut == (int)(sizeof cut / sizeof cut[0])) return -1;
    *slash = '\0';
    cut[n_cut++] = slash;
  }
  /* Then make each cut-off level again, parents first. */
  while (n_cut > 0) {
    *cut[--n_cut] = '/';
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
  }
  return 0;
}

/* Points `link` at `target` by renaming a fresh symlink over it, so readers never see it missing. */
static int replace_symlink(const char *target, const char *link) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp-%d", link, (int)getpid()) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  /* A temporary left by an earlier launcher that had this pid and died here. */
  if (symlink(target, tmp) != 0 && (errno != EEXIST || unlink(tmp) != 0 || symlink(target, tmp) != 0)) return -1;
  if (rename(tmp, link) == 0) return 0;
  int saved = errno;
  unlink(tmp);
  errno = saved;
  return -1;
}

/* Step 2's checkpoints: 0, or -1 after reporting why. */
static int make_checkpoint_dir(const struct options *o) {
  char msg[700], path[4096];
  if (make_dirs(o->checkpoint_dir) != 0) {
    snprintf(msg, sizeof msg, "error checkpoint: cannot create %.300s: %s\n", o->checkpoint_dir, strerror(errno));
    report(o, msg);
    return -1;
  }
  if (!o->config) return 0;
  if (snprintf(path, sizeof path, "%s/config.json", o->checkpoint_dir) >= (int)sizeof path) errno = ENAMETOOLONG;
  else if (write_file_atomically(path, o->config) == 0) return 0;
  snprintf(msg, sizeof msg, "error checkpoint: cannot write %.300s/config.json: %s\n", o->checkpoint_dir, strerror(errno));
  report(o, msg);
  return -1;
}

/* Step 4's checkpoint of who runs: launcher.json (see the top). */
static void checkpoint_started(const struct options *o, pid_t child, unsigned long long own_ticks, unsigned long long child_ticks) {
  char text[256], path[4096];
  int n = snprintf(text, sizeof text, "{\"launcherPid\":%d", (int)getpid());
  if (own_ticks) n += snprintf(text + n, sizeof text - (size_t)n, ",\"launcherStartTicks\":%llu", own_ticks);
  n += snprintf(text + n, sizeof text - (size_t)n, ",\"pid\":%d", (int)child);
  if (child_ticks) n += snprintf(text + n, sizeof text - (size_t)n, ",\"pidStartTicks\":%llu", child_ticks);
  snprintf(text + n, sizeof text - (size_t)n, "}");
  snprintf(path, sizeof path, "%s/launcher.json", o->checkpoint_dir);
  if (write_file_atomically(path, text) != 0)
    fprintf(stderr, "meseta-launcher: cannot write %s: %s\n", path, strerror(errno));
}

/* Step 2's sandbox: 0, or -1 after reporting why. */
static int make_sandbox(const struct options *o) {
  char msg[700];
  if (make_dirs(o->sandbox) != 0) {
    snprintf(msg, sizeof msg, "error sandbox: cannot create %.300s: %s\n", o->sandbox, strerror(errno));
    report(o, msg);
    return -1;
  }
  if (o->latest_link && replace_symlink(strrchr(o->sandbox, '/') + 1, o->latest_link) != 0) {
    snprintf(msg, sizeof msg, "error sandbox: cannot link %.300s to it: %s\n", o->latest_link, strerror(errno));
    report(o, msg);
    return -1;
  }
  return 0;
}

/* Writes "PATH=VALUE"'s VALUE into PATH; -1 with errno on failure. */
static int write_cgroup_file(const char *spec) {
  const char *eq = strrchr(spec, '=');
  char path[4096];
  if ((size_t)(eq - spec) >= sizeof path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(path, spec, (size_t)(eq - spec));
  path[eq - spec] = '\0';
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  int rc = write_all(fd, eq + 1, strlen(eq + 1));
  int saved = errno;
  if (close(fd) != 0 && rc == 0) return -1;
  errno = saved;
  return rc;
}

/* Step 2: the cgroups and their limits. 0, or -1 after reporting why. */
static int set_up_cgroups(const struct options *o) {
  char msg[600];
  for (int i = 0; i < o->n_cgroups; i++) {
    if (make_dirs(o->cgroups[i]) != 0) {
      snprintf(msg, sizeof msg, "error cgroup: cannot create %.300s: %s\n", o->cgroups[i], strerror(errno));
      report(o, msg);
      return -1;
    }
    snprintf(cgroup_procs[i], sizeof cgroup_procs[i], "%s/cgroup.procs", o->cgroups[i]);
  }
  for (int i = 0; i < o->n_cgroup_writes; i++) {
    if (write_cgroup_file(o->cgroup_writes[i]) != 0) {
      const char *spec = o->cgroup_writes[i];
      const char *eq = strrchr(spec, '=');
      snprintf(msg, sizeof msg, "error cgroup: cannot write '%.40s' to %.*s: %s\n", eq + 1, (int)(eq - spec > 300 ? 300 : eq - spec), spec, strerror(errno));
      report(o, msg);
      return -1;
    }
  }
  return 0;
}

/* pw's groups (getgrouplist), malloc'd, count in *n; NULL when they cannot be listed. */
static gid_t *user_groups(const struct passwd *pw, int *n) {
  gid_t *groups = NULL;
  int size = 64;
  /* Twice at most: a too small array gets the size needed back. */
  for (int attempt = 0; attempt < 2; attempt++) {
    gid_t *bigger = realloc(groups, (size_t)size * sizeof *groups);
    if (!bigger) break;
    groups = bigger;
    int got = size;
    if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &got) >= 0) {
      *n = got;
      return groups;
    }
    size = got;
  }
  free(groups);
  return NULL;
}

/* The child's stack: it runs only until it execs, while the launcher waits (CLONE_VFORK). */
static char child_stack[256 * 1024] __attribute__((aligned(64)));

static int child_main(void *arg) {
  run_child(arg);
  return 127; /* not reached: run_child execs or _exits */
}

/*
 * Steps 1-7 for parsed options; returns the launcher's exit code. `served`: forked
 * by the server, whose own session (no terminal, not the agent's) it shares.
 */
static int launch(struct options *o, int served) {
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  /*
   * A served launcher only leaves the server's process group: a new session
   * would also make the kernel create a scheduler autogroup for it, a twentieth
   * of a short task's launch. EPERM from setsid when the agent already made us
   * a session leader: fine.
   */
  if (served) setpgid(0, 0);
  else setsid();

  struct passwd *pw = NULL;
  if (o->user && *o->user) {
    errno = 0;
    pw = getpwnam(o->user);
    if (!pw) {
      char msg[512];
      snprintf(msg, sizeof msg, "error switch user: no such user '%s'\n", o->user);
      report(o, msg);
      return EXIT_USAGE;
    }
  }

  /* initgroups() in the child would be getgrouplist() + setgroups(); the lookup
   * (NSS, malloc) is done here so the child only makes system calls. */
  gid_t *groups = NULL;
  int n_groups = 0;
  if (pw && !(groups = user_groups(pw, &n_groups))) {
    char msg[512];
    snprintf(msg, sizeof msg, "error switch user: cannot list the groups of '%s'\n", o->user);
    report(o, msg);
    return EXIT_USAGE;
  }

  if (make_checkpoint_dir(o) != 0 || (o->make_sandbox && make_sandbox(o) != 0) || set_up_cgroups(o) != 0) {
    free(groups);
    return EXIT_USAGE;
  }

  /*
   * Orphans of the task come to us rather than to init: the sweep then knows
   * the session is empty when we have no child left (not inherited by the task).
   */
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) != 0) {
    report(o, "error pipe: cannot create\n");
    return EXIT_USAGE;
  }
  /*
   * The child shares this process's memory until it execs (CLONE_VM | CLONE_VFORK,
   * as posix_spawn does), on a stack of its own: a fork would copy the page
   * tables and fault pages in only for exec to throw them away, and that copy
   * was a tenth of a short task's launch CPU on the whole machine.
   */
  struct child_args args = {o, errpipe[1], pw, groups, n_groups};
  pid_t child = clone(child_main, child_stack + sizeof child_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  if (child < 0) {
    char msg[256];
    snprintf(msg, sizeof msg, "error fork: %s\n", strerror(errno));
    report(o, msg);
    return EXIT_USAGE;
  }
  close(errpipe[1]);
  free(groups);

  struct child_failure f;
  ssize_t n;
  do n = read(errpipe[0], &f, sizeof f);
  while (n < 0 && errno == EINTR);
  close(errpipe[0]);

  int status = 0;
  if (n == (ssize_t)sizeof f) {
    reap(child, &status);
    write_status(o, status, 0, 0);
    char msg[512];
    int stage = f.stage >= 0 && f.stage <= STAGE_EXEC ? f.stage : STAGE_EXEC;
    snprintf(msg, sizeof msg, "error %s: %s\n", stage_names[stage], strerror(f.err));
    report(o, msg);
    return exit_code_for(status);
  }

  unsigned long long own_ticks = start_ticks(getpid()), child_ticks = start_ticks(child);
  checkpoint_started(o, child, own_ticks, child_ticks);
  char report_text[80];
  snprintf(report_text, sizeof report_text, "ok %d %llu %llu\n", (int)child, own_ticks, child_ticks);
  report(o, report_text);
  if (o->report_fd >= 0) close(o->report_fd);

  if (reap(child, &status) < 0) {
    fprintf(stderr, "meseta-launcher: waitpid: %s\n", strerror(errno));
    return EXIT_USAGE;
  }
  int swept = o->n_cgroups > 0 ? sweep_cgroups(o) : sweep_session(child);
  write_status(o, status, swept, swept && o->n_cgroups > 0 && no_oom_kill(o) && remove_cgroups(o) == 0);
  return exit_code_for(status);
}

/* ---- server mode ---- */

static int sigchld_pipe[2];

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  (void)write(sigchld_pipe[1], "c", 1);
  errno = saved;
}

/*
 * Answers are kept and written together just before the server waits again:
 * one write per round, not per line. Each write to the agent's pipe wakes its
 * event loop, and under load a round answers many launches and exits.
 */
static char answers[1 << 16];
static size_t answers_len;

static void flush_answers(void) {
  if (answers_len == 0) return;
  if (write_all(1, answers, answers_len) != 0) _exit(0); /* the agent is gone */
  answers_len = 0;
}

/* Queues one answer line (under 1 kB) for the next flush_answers. */
static void answer(const char *line) {
  size_t len = strlen(line);
  if (answers_len + len > sizeof answers) flush_answers();
  memcpy(answers + answers_len, line, len);
  answers_len += len;
}

/* Splits `len` bytes of NUL-separated fields into `fields` (pointers into buf); returns the count. */
static int split_fields(char *buf, size_t len, char **fields, int max) {
  int n = 0;
  size_t start = 0;
  for (size_t i = 0; i < len && n < max; i++) {
    if (buf[i] == '\0') {
      fields[n++] = buf + start;
      start = i + 1;
    }
  }
  return n;
}

#define MAX_FIELDS 8192

/*
 * Looks a user and its groups up once in the server, so the launchers it forks
 * inherit what glibc set up for that: the NSS modules already loaded (a dlopen
 * of libnss_files otherwise), nsswitch.conf read, and nscd's absence noted (a
 * failed socket connect otherwise). Each launcher's own getpwnam/initgroups
 * then only read /etc/passwd and /etc/group; what they return is never cached.
 */
static void warm_user_lookups(void) {
  struct passwd *pw = getpwuid(getuid());
  if (!pw) return;
  gid_t groups[64];
  int n = 64;
  (void)getgrouplist(pw->pw_name, pw->pw_gid, groups, &n);
  (void)getpwnam(pw->pw_name);
}

/* A launcher forked and not yet heard from: its report pipe and what it wrote so far. */
struct inflight {
  int fd;
  pid_t pid;
  char id[24];
  char text[512];
  size_t got;
};

#define MAX_INFLIGHT 16
static struct inflight inflight[MAX_INFLIGHT];
static int n_inflight;

/* Answers the `spawned` line of inflight[i] from what its launcher reported, and forgets it. */
static void finish_inflight(int i) {
  struct inflight *f = &inflight[i];
  close(f->fd);
  f->text[f->got] = '\0';
  char *nl = strchr(f->text, '\n');
  if (nl) *nl = '\0';
  if (f->got == 0) snprintf(f->text, sizeof f->text, "error launcher exited without reporting");
  char line[600];
  snprintf(line, sizeof line, "spawned %s %d %s\n", f->id, (int)f->pid, f->text);
  answer(line);
  inflight[i] = inflight[--n_inflight];
}

/* Reads what inflight[i]'s launcher wrote; finishes it at a full line or the pipe's end.
 * `until_end`: read until end of file (its launcher has exited, so the end comes). */
static void read_inflight(int i, int until_end) {
  struct inflight *f = &inflight[i];
  for (;;) {
    ssize_t r = read(f->fd, f->text + f->got, sizeof f->text - 1 - f->got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EAGAIN && !until_end) return;
    if (r <= 0) break;
    f->got += (size_t)r;
    if (memchr(f->text, '\n', f->got) || f->got == sizeof f->text - 1) break;
  }
  finish_inflight(i);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  (void)st;
  (void)ftw;
  int rc = type == FTW_DP ? rmdir(path) : unlink(path);
  return rc != 0 && errno != ENOENT ? -1 : 0;
}

/* Deletes the tree at `path`, depth first, without following symlinks; 0 when it is gone. */
static int remove_tree(const char *path) {
  if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0) return 0;
  return errno == ENOENT ? 0 : -1;
}

static void remove_paths(const char *id, char **paths, int n, int recursive) {
  char line[600];
  for (int i = 0; i < n; i++) {
    int rc = recursive ? remove_tree(paths[i]) : rmdir(paths[i]);
    if (rc != 0 && errno != ENOENT) {
      snprintf(line, sizeof line, "removed %.20s %d %s\n", id, errno, strerror(errno));
      answer(line);
      return;
    }
  }
  snprintf(line, sizeof line, "removed %.20s 0\n", id);
  answer(line);
}

/* Launchers forked and not yet reaped, with the status file each writes before it exits. */
struct launched {
  pid_t pid;
  char *status_file;
};
static struct launched *launched;
static size_t n_launched, cap_launched;

/* Notes the --status_file among a request's `args`, to read once launcher `pid` exits. */
static void remember_launched(pid_t pid, char **args, int argc) {
  const char *path = NULL, *v;
  for (int i = 0; i < argc; i++) {
    if (starts_with(args[i], "--status_file=", &v)) path = v;
  }
  if (!path) return;
  if (n_launched == cap_launched) {
    size_t cap = cap_launched ? cap_launched * 2 : 64;
    struct launched *bigger = realloc(launched, cap * sizeof *bigger);
    if (!bigger) return; /* the agent reads the file itself */
    launched = bigger;
    cap_launched = cap;
  }
  char *copy = strdup(path);
  if (!copy) return;
  launched[n_launched].pid = pid;
  launched[n_launched].status_file = copy;
  n_launched++;
}

/* Writes into `out` (at least 64 bytes) the status file of reaped launcher `pid`,
 * its lines joined by ',', and forgets it; "" when there is none to read. */
static void reaped_outcome(pid_t pid, char *out) {
  out[0] = '\0';
  for (size_t i = 0; i < n_launched; i++) {
    if (launched[i].pid != pid) continue;
    ssize_t got = -1;
    int fd = open(launched[i].status_file, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      got = read(fd, out, 63);
      close(fd);
    }
    free(launched[i].status_file);
    launched[i] = launched[--n_launched];
    if (got <= 0) return;
    while (got > 0 && out[got - 1] == '\n') got--;
    out[got] = '\0';
    for (ssize_t k = 0; k < got; k++) {
      if (out[k] == '\n') {
        out[k] = ',';
      } else if (!isalnum((unsigned char)out[k]) && out[k] != '_' && out[k] != '-') {
        out[0] = '\0'; /* not what a launcher writes: the agent reads the file itself */
        return;
      }
    }
    return;
  }
}

static void serve_request(char *payload, size_t len) {
  static char *fields[MAX_FIELDS];
  char line[1024];
  int n = split_fields(payload, len, fields, MAX_FIELDS - 2);
  const char *id = n > 0 ? fields[0] : "?";
  if (n >= 2 && (strcmp(fields[1], "rmdir") == 0 || strcmp(fields[1], "rmtree") == 0)) {
    remove_paths(id, &fields[2], n - 2, strcmp(fields[1], "rmtree") == 0);
    return;
  }
  int argc = n > 1 ? atoi(fields[1]) : -1;
  int envc = (argc >= 0 && 2 + argc < n) ? atoi(fields[2 + argc]) : -1;
  if (argc < 1 || envc < 0 || 3 + argc + envc != n || strlen(id) >= sizeof inflight[0].id) {
    snprintf(line, sizeof line, "spawned %.20s 0 error request: malformed\n", id);
    answer(line);
    return;
  }
  /* fields[1] (argc) becomes argv[0] and fields[2 + argc] (envc) the NULL ending argv. */
  char **argv = &fields[1];
  char **envp = &fields[3 + argc];
  fields[2 + argc] = NULL;
  fields[3 + argc + envc] = NULL;
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    snprintf(line, sizeof line, "spawned %s 0 error pipe: %s\n", id, strerror(errno));
    answer(line);
    return;
  }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(line, sizeof line, "spawned %s 0 error fork: %s\n", id, strerror(errno));
    answer(line);
    close(report[0]);
    close(report[1]);
    return;
  }
  if (pid == 0) {
    signal(SIGCHLD, SIG_DFL);
    close(sigchld_pipe[0]);
    close(sigchld_pipe[1]);
    for (int i = 0; i < n_inflight; i++) close(inflight[i].fd);
    close(report[0]);
    /* The server's pipes to the agent must not stay open in a launcher that outlives it. */
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      dup2(null_fd, 0);
      dup2(null_fd, 1);
      dup2(null_fd, 2);
      if (null_fd > 2) close(null_fd);
    }
    argv[0] = (char *)"meseta-launcher";
    struct options o;
    if (parse_options(argc + 1, argv, &o) != 0) {
      static const char bad[] = "error request: bad launcher options\n";
      (void)write_all(report[1], bad, sizeof bad - 1);
      _exit(EXIT_USAGE);
    }
    o.report_fd = report[1];
    environ = envp;
    _exit(launch(&o, 1));
  }
  close(report[1]);
  fcntl(report[0], F_SETFL, O_NONBLOCK);
  remember_launched(pid, &argv[1], argc);
  struct inflight *f = &inflight[n_inflight++];
  f->fd = report[0];
  f->pid = pid;
  f->got = 0;
  snprintf(f->id, sizeof f->id, "%s", id);
}

static void reap_launchers(void) {
  char drain[64];
  while (read(sigchld_pipe[0], drain, sizeof drain) > 0) {
  }
  int status;
  pid_t pid;
  char line[160];
  char outcome[64];
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    /* Its `spawned` line first: the agent ignores exits of launchers it has not heard of. */
    for (int i = 0; i < n_inflight; i++) {
      if (inflight[i].pid == pid) {
        read_inflight(i, 1);
        break;
      }
    }
    reaped_outcome(pid, outcome);
    snprintf(line, sizeof line, "exited %d %d%s%s\n", (int)pid, status, outcome[0] ? " " : "", outcome);
    answer(line);
  }
}

static int serve(void) {
  warm_user_lookups();
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return EXIT_USAGE;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);

  size_t cap = 1 << 16, used = 0;
  char *buf = malloc(cap);
  if (!buf) return EXIT_USAGE;
  for (;;) {
    /* Requests already buffered are served as room frees up; new input is read only then. */
    for (;;) {
      if (n_inflight == MAX_INFLIGHT) break;
      char *nl = memchr(buf, '\n', used);
      if (!nl) break;
      size_t header = (size_t)(nl - buf) + 1;
      size_t len = (size_t)strtoul(buf, NULL, 10);
      if (used < header + len) {
        if (header + len > cap) {
          char *bigger = realloc(buf, header + len);
          if (!bigger) return EXIT_USAGE;
          buf = bigger;
          cap = header + len;
        }
        break;
      }
      serve_request(buf + header, len);
      memmove(buf, buf + header + len, used - header - len);
      used -= header + len;
    }
    struct pollfd fds[2 + MAX_INFLIGHT];
    fds[0].fd = n_inflight < MAX_INFLIGHT ? 0 : -1; /* negative: poll skips it */
    fds[0].events = POLLIN;
    fds[1].fd = sigchld_pipe[0];
    fds[1].events = POLLIN;
    int polled = n_inflight;
    for (int i = 0; i < polled; i++) {
      fds[2 + i].fd = inflight[i].fd;
      fds[2 + i].events = POLLIN;
    }
    flush_answers();
    if (poll(fds, (nfds_t)(2 + polled), -1) < 0) {
      if (errno == EINTR) continue;
      return EXIT_USAGE;
    }
    /* Reports before exits; from the back, since finishing one moves the last into its slot. */
    for (int i = polled - 1; i >= 0; i--) {
      if (fds[2 + i].revents & (POLLIN | POLLHUP | POLLERR)) read_inflight(i, 0);
    }
    if (fds[1].revents & POLLIN) reap_launchers();
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    if (used == cap) {
      char *bigger = realloc(buf, cap * 2);
      if (!bigger) return EXIT_USAGE;
      buf = bigger;
      cap *= 2;
    }
    ssize_t r = read(0, buf + used, cap - used);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      flush_answers();
      return 0; /* the agent closed our input or died: launchers run on */
    }
    used += (size_t)r;
  }
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--serve") == 0) return serve();
  struct options o;
  if (parse_options(argc, argv, &o) != 0) {
    fprintf(stderr, "meseta-launcher: bad usage (see the header of meseta-launcher.c)\n");
    return EXIT_USAGE;
  }
  return launch(&o, 0);
}
