/*
 * Starts job processes with vfork and execve. libuv (child_process.spawn) forks on Linux: the fork copies
 * the startd's page tables, blocks its event loop until the child has exec'd, and leaves every page of the
 * startd copy-on-write, so each later write faults. A vfork child shares the startd's memory until it
 * execs, so its cost does not grow with the parent. glibc's posix_spawn does the same, but leaves glibc's
 * own signals (32 and 33) ignored in the job, since its sigaction refuses to touch them; here the child
 * resets every signal through the raw system call, and keeps no descriptor but its standard streams. Each
 * child gets a thread blocked in waitpid on its pid only, which reports the exit and the process's CPU
 * time (its own and its waited-for children's) to JavaScript; libuv reaps only the pids it spawned itself,
 * so the two never race.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whom the job runs as: uid < 0 keeps the startd's identity. */
typedef struct {
  long uid;
  long gid;
  size_t group_count;
  gid_t *groups;
} identity_t;

/*
 * The job's own mount namespace (MOUNT_UNDER_SCRATCH), as HTCondor's DaemonCore makes it between fork and exec
 * (CreateProcessForkit::exec, FilesystemRemap::PerformMappings): flags, then the bind mounts as source and
 * target pairs ending with NULL.
 */
#define NAMESPACE_NEW 1
#define NAMESPACE_PRIVATE_DEV_SHM 2
typedef struct {
  int flags;
  char **binds;
} mounts_t;

typedef struct {
  pid_t pid;
  int status;
  struct rusage usage;
  napi_threadsafe_function on_exit;
} child_t;

#define CHECK(env, call)                                   \
  do {                                                     \
    if ((call) != napi_ok) {                               \
      napi_throw_error((env), NULL, "job_spawn: " #call);  \
      return NULL;                                         \
    }                                                      \
  } while (0)

/* A JavaScript string as a malloc'd C string; NULL (with an exception pending) when it is not a string. */
static char *c_string(napi_env env, napi_value value) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "job_spawn: expected a string");
    return NULL;
  }
  char *text = malloc(length + 1);
  if (text == NULL) {
    napi_throw_error(env, NULL, "job_spawn: out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, value, text, length + 1, &length);
  return text;
}

static void free_strings(char **strings) {
  if (strings == NULL) return;
  for (char **s = strings; *s != NULL; s++) free(*s);
  free(strings);
}

/* A JavaScript array of strings as a NULL-terminated array (argv, envp). */
static char **c_strings(napi_env env, napi_value array) {
  uint32_t count;
  if (napi_get_array_length(env, array, &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "job_spawn: expected an array of strings");
    return NULL;
  }
  char **strings = calloc(count + 1, sizeof(char *));
  if (strings == NULL) {
    napi_throw_error(env, NULL, "job_spawn: out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    if (napi_get_element(env, array, i, &element) != napi_ok || (strings[i] = c_string(env, element)) == NULL) {
      free_strings(strings);
      return NULL;
    }
  }
  return strings;
}

static double seconds(struct timeval time) { return (double)time.tv_sec + (double)time.tv_usec / 1e6; }

/* On the JavaScript thread: onExit(exitCode, null, userSeconds, systemSeconds) or onExit(null, signal, …). */
static void call_on_exit(napi_env env, napi_value on_exit, void *context, void *data) {
  (void)context;
  child_t *child = data;
  if (env != NULL) {
    napi_value args[4], undefined;
    if (WIFSIGNALED(child->status)) {
      napi_get_null(env, &args[0]);
      napi_create_int32(env, WTERMSIG(child->status), &args[1]);
    } else {
      napi_create_int32(env, WEXITSTATUS(child->status), &args[0]);
      napi_get_null(env, &args[1]);
    }
    napi_create_double(env, seconds(child->usage.ru_utime), &args[2]);
    napi_create_double(env, seconds(child->usage.ru_stime), &args[3]);
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, on_exit, 4, args, NULL);
  }
  free(child);
}

static void *wait_for_exit(void *arg) {
  child_t *child = arg;
  while (wait4(child->pid, &child->status, 0, &child->usage) < 0 && errno == EINTR) {
  }
  napi_threadsafe_function on_exit = child->on_exit;
  napi_call_threadsafe_function(on_exit, child, napi_tsfn_blocking);
  napi_release_threadsafe_function(on_exit, napi_tsfn_release);
  return NULL;
}

static napi_value throw_errno(napi_env env, int error) {
  napi_value message, exception, code;
  napi_create_string_utf8(env, strerror(error), NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &exception);
  napi_create_int32(env, error, &code);
  napi_set_named_property(env, exception, "errno", code);
  napi_throw(env, exception);
  return NULL;
}

/* The kernel's sigaction and signal set, as rt_sigaction and rt_sigprocmask take them (not glibc's). */
struct kernel_sigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};
#define KERNEL_SIGSET_BYTES sizeof(uint64_t)
#define LAST_SIGNAL 64

static long set_signal_mask(uint64_t mask, uint64_t *old) {
  return syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, old, KERNEL_SIGSET_BYTES);
}

#ifndef SYS_close_range
#define SYS_close_range 436 /* the same number on every architecture */
#endif

/* A directory entry as getdents64 returns it. */
struct kernel_dirent64 {
  uint64_t inode;
  int64_t offset;
  unsigned short length;
  unsigned char type;
  char name[];
};

/*
 * Closes each descriptor above 2 listed in /proc/self/fd, rereading the list from its start until a pass
 * closes none (closing while listing may skip entries). -1 when /proc cannot be read.
 */
static int close_listed_descriptors(void) {
  int dir = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return -1;
  char entries[1024] __attribute__((aligned(8)));
  int result = 0;
  for (int closed = 1; closed && result == 0;) {
    closed = 0;
    long length = syscall(SYS_lseek, dir, 0L, SEEK_SET);
    while (length >= 0 && (length = syscall(SYS_getdents64, dir, entries, sizeof entries)) > 0) {
      for (long at = 0; at < length;) {
        const struct kernel_dirent64 *entry = (const struct kernel_dirent64 *)(entries + at);
        at += entry->length;
        int fd = 0;
        const char *digit = entry->name;
        for (; *digit >= '0' && *digit <= '9'; digit++) fd = fd * 10 + (*digit - '0');
        if (*digit != '\0' || digit == entry->name || fd <= 2 || fd == dir) continue;
        syscall(SYS_close, fd);
        closed = 1;
      }
    }
    if (length < 0) result = -1;
  }
  syscall(SYS_close, dir);
  return result;
}

/*
 * Closes every descriptor above 2 in the vfork child, with system calls only (no malloc: the child runs on
 * the startd's memory): close_range (Linux 5.9); before it, those /proc/self/fd lists; without /proc,
 * every number up to the descriptor limit.
 */
static void close_descriptors_above_stderr(void) {
  if (syscall(SYS_close_range, 3U, UINT_MAX, 0U) == 0 || close_listed_descriptors() == 0) return;
  struct rlimit limit;
  rlim_t end = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < (rlim_t)INT_MAX ? limit.rlim_cur : (rlim_t)INT_MAX;
  for (rlim_t fd = 3; fd < end; fd++) syscall(SYS_close, (int)fd);
}

/*
 * The job's core and stack limits, as HTCondor's starter gives them: the core size soft and hard (DaemonCore's
 * CONDOR_HARD_LIMIT: a user other than root keeps its hard limit when it asks for more), the stack size soft
 * only, at most the hard limit (sysapi_set_resource_limits). A negative number is RLIM_INFINITY; NaN (a
 * process that is no job, such as `docker start`) leaves the startd's limits.
 */
static int set_job_limits(const double limits[2]) {
  if (limits[0] != limits[0]) return 0;
  struct rlimit current, desired;
  rlim_t core = limits[0] < 0 ? RLIM_INFINITY : (rlim_t)limits[0];
  if (getrlimit(RLIMIT_CORE, &current) < 0) return -1;
  desired.rlim_cur = desired.rlim_max = core;
  if (core > current.rlim_max && getuid() != 0) desired.rlim_cur = desired.rlim_max = current.rlim_max;
  if (setrlimit(RLIMIT_CORE, &desired) < 0) return -1;
  rlim_t stack = limits[1] < 0 ? RLIM_INFINITY : (rlim_t)limits[1];
  if (getrlimit(RLIMIT_STACK, &current) < 0) return -1;
  desired.rlim_max = current.rlim_max;
  desired.rlim_cur = stack > current.rlim_max ? current.rlim_max : stack;
  return setrlimit(RLIMIT_STACK, &desired);
}

/*
 * A mount namespace of the child's own, whose mounts do not reach the host's (MS_SLAVE: the host's later
 * ones still reach it), each scratch directory bind-mounted over its namesake, then, where asked
 * (MOUNT_PRIVATE_DEV_SHM), a fresh tmpfs on /dev/shm, whose failure the starter only logs: it is ignored.
 */
static int make_mounts(const mounts_t *mounts) {
  if (!(mounts->flags & NAMESPACE_NEW)) return 0;
  if (syscall(SYS_unshare, CLONE_NEWNS | CLONE_FS) < 0) return -1;
  if (syscall(SYS_mount, "", "/", "dontcare", MS_REC | MS_SLAVE, "") < 0) return -1;
  for (char *const *bind = mounts->binds; bind[0] != NULL && bind[1] != NULL; bind += 2) {
    if (syscall(SYS_mount, bind[0], bind[1], NULL, MS_BIND, NULL) < 0) return -1;
  }
  if ((mounts->flags & NAMESPACE_PRIVATE_DEV_SHM) && syscall(SYS_mount, "/dev/shm", "/dev/shm", "tmpfs", 0, NULL) == 0) {
    syscall(SYS_mount, "none", "/dev/shm", NULL, MS_PRIVATE, NULL);
  }
  return 0;
}

/*
 * The vfork child, on the startd's stack while the startd's thread waits: only system calls, no memory the
 * startd uses is written but *exec_errno. Never returns.
 */
static void exec_child(const char *file, char *const argv[], char *const envp[], const char *cwd, const int fds[3], char *const cgroup_tasks[], const identity_t *identity, const double limits[2], const mounts_t *mounts, int suspend_at_exec, volatile int *exec_errno) {
  /* The startd's handlers must not run here (they would run on its memory) nor be inherited as ignored. */
  struct kernel_sigaction default_action = {.handler = SIG_DFL};
  for (int sig = 1; sig <= LAST_SIGNAL; sig++) {
    if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, &default_action, NULL, KERNEL_SIGSET_BYTES);
  }
  /* Into the job's cgroups before exec, so that no process of the job ever runs outside them. */
  for (char *const *tasks = cgroup_tasks; *tasks != NULL; tasks++) {
    int fd = open(*tasks, O_WRONLY | O_CLOEXEC);
    if (fd < 0) goto failed;
    ssize_t written = write(fd, "0", 1);
    int write_errno = errno;
    close(fd);
    if (written != 1) {
      errno = written < 0 ? write_errno : EIO;
      goto failed;
    }
  }
  /* Before the job's identity: only root may raise a hard limit, or mount. */
  if (set_job_limits(limits) < 0) goto failed;
  if (make_mounts(mounts) < 0) goto failed;
  /*
   * The job's identity, through the raw system calls: glibc's setuid would signal every thread of the
   * process to change them too, and this child shares the startd's memory and so glibc's list of its threads.
   */
  if (identity->uid >= 0) {
    if (syscall(SYS_setgroups, identity->group_count, identity->groups) < 0) goto failed;
    if (syscall(SYS_setgid, (gid_t)identity->gid) < 0) goto failed;
    if (syscall(SYS_setuid, (uid_t)identity->uid) < 0) goto failed;
  }
  if (setsid() < 0) goto failed;
  for (int i = 0; i < 3; i++) {
    /* A descriptor already in place only loses close-on-exec, as posix_spawn's dup2 action does. */
    if (fds[i] == i ? fcntl(i, F_SETFD, 0) < 0 : dup2(fds[i], i) < 0) goto failed;
  }
  /*
   * Close-on-exec is not enough: the kernel wakes the startd (exec_mmap) before it closes those
   * (do_close_on_exec), and a file another slot is still writing, held here, cannot be executed (ETXTBSY)
   * by the start the startd makes next. HTCondor's DaemonCore also closes every descriptor above 2 that
   * the job does not inherit (CreateProcessForkit).
   */
  close_descriptors_above_stderr();
  if (chdir(cwd) < 0) goto failed;
  if (set_signal_mask(0, NULL) < 0) goto failed;
  /* suspend_job_at_exec: traced, the child stops at its exec (DaemonCore's CreateProcessForkit, DCJOBOPT_SUSPEND_ON_EXEC). */
  if (suspend_at_exec && ptrace(PTRACE_TRACEME, 0, 0, 0) < 0) goto failed;
  execve(file, argv, envp);
failed:
  *exec_errno = errno;
  _exit(127);
}

/* Starts the process; 0 and its pid, or the errno of what failed (the child's, when it could not exec). */
/*
 * A child traced from its exec on is stopped there for good, as DaemonCore's tdp_wait_stopped_child leaves it: its
 * exec's SIGTRAP stop waited for, a SIGSTOP sent, then detached, so that the job waits stopped at its first
 * instruction until it is sent SIGCONT. 0, or the errno of what failed (the child is then killed).
 */
static int stop_at_exec(pid_t pid) {
  int status;
  pid_t waited;
  while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
  }
  int error = waited < 0 ? errno : !WIFSTOPPED(status) ? ECHILD : 0;
  if (error == 0 && kill(pid, SIGSTOP) < 0) error = errno;
  if (error == 0 && ptrace(PTRACE_DETACH, pid, 0, 0) < 0) error = errno;
  if (error != 0 && (waited < 0 || WIFSTOPPED(status))) {
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
  }
  return error;
}

static int start_process(const char *file, char *const argv[], char *const envp[], const char *cwd, const int fds[3], char *const cgroup_tasks[], const identity_t *identity, const double limits[2], const mounts_t *mounts, int suspend_at_exec, pid_t *pid_out) {
  volatile int exec_errno = 0;
  uint64_t old_mask;
  /* Every signal blocked across the vfork, glibc's own included, so that none is handled in the child. */
  if (set_signal_mask(~(uint64_t)0, &old_mask) < 0) return errno;
  pid_t pid = vfork();
  if (pid == 0) exec_child(file, argv, envp, cwd, fds, cgroup_tasks, identity, limits, mounts, suspend_at_exec, &exec_errno);
  int error = pid < 0 ? errno : 0;
  set_signal_mask(old_mask, NULL);
  if (error != 0) return error;
  if (exec_errno != 0) {
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    return exec_errno;
  }
  if (suspend_at_exec && (error = stop_at_exec(pid)) != 0) return error;
  *pid_out = pid;
  return 0;
}

/*
 * spawn(file, argv, envp, cwd, stdinFd, stdoutFd, stderrFd, cgroupTasks, uid, gid, groups, onExit, coreSize, stackSize,
 * namespaceFlags, binds, suspendAtExec) -> pid.
 * The child is the leader of a new session (so of its own process group), has every signal at its default
 * disposition and none blocked, as child_process gives it; the descriptors become its 0, 1 and 2; it writes
 * itself into each cgroup v1 `tasks` file of cgroupTasks, makes the mounts make_mounts makes (binds: source,
 * target, source, target…), then takes the groups, gid and uid (uid -1: the startd's own), before it execs,
 * with the core and stack limits set_job_limits gives it; suspendAtExec: it is stopped at its exec
 * (stop_at_exec). Throws an Error with the errno when the program cannot be started.
 */
static napi_value spawn_job(napi_env env, napi_callback_info info) {
  size_t argc = 17;
  napi_value args[17];
  CHECK(env, napi_get_cb_info(env, info, &argc, args, NULL, NULL));
  if (argc != 17) {
    napi_throw_type_error(env, NULL, "job_spawn: spawn takes 17 arguments");
    return NULL;
  }
  bool suspend_at_exec;
  if (napi_get_value_bool(env, args[16], &suspend_at_exec) != napi_ok) {
    napi_throw_type_error(env, NULL, "job_spawn: suspendAtExec must be a boolean");
    return NULL;
  }
  mounts_t mounts = {.flags = 0, .binds = NULL};
  if (napi_get_value_int32(env, args[14], &mounts.flags) != napi_ok) {
    napi_throw_type_error(env, NULL, "job_spawn: the namespace flags must be an integer");
    return NULL;
  }
  double limits[2];
  if (napi_get_value_double(env, args[12], &limits[0]) != napi_ok || napi_get_value_double(env, args[13], &limits[1]) != napi_ok) {
    napi_throw_type_error(env, NULL, "job_spawn: the core and stack sizes must be numbers");
    return NULL;
  }
  identity_t identity = {.uid = -1, .gid = -1, .group_count = 0, .groups = NULL};
  int64_t uid, gid;
  uint32_t group_count;
  if (napi_get_value_int64(env, args[8], &uid) != napi_ok || napi_get_value_int64(env, args[9], &gid) != napi_ok ||
      napi_get_array_length(env, args[10], &group_count) != napi_ok) {
    napi_throw_type_error(env, NULL, "job_spawn: uid and gid must be integers, groups an array");
    return NULL;
  }
  identity.uid = (long)uid;
  identity.gid = (long)gid;
  if (group_count > 0) {
    identity.groups = calloc(group_count, sizeof(gid_t));
    if (identity.groups == NULL) {
      napi_throw_error(env, NULL, "job_spawn: out of memory");
      return NULL;
    }
    for (uint32_t i = 0; i < group_count; i++) {
      napi_value element;
      uint32_t group;
      if (napi_get_element(env, args[10], i, &element) != napi_ok || napi_get_value_uint32(env, element, &group) != napi_ok) {
        free(identity.groups);
        napi_throw_type_error(env, NULL, "job_spawn: groups must be integers");
        return NULL;
      }
      identity.groups[i] = (gid_t)group;
    }
    identity.group_count = group_count;
  }
  int fds[3];
  for (int i = 0; i < 3; i++) {
    if (napi_get_value_int32(env, args[4 + i], &fds[i]) != napi_ok) {
      free(identity.groups);
      napi_throw_type_error(env, NULL, "job_spawn: descriptors must be integers");
      return NULL;
    }
  }
  char *file = NULL, *cwd = NULL, **argv = NULL, **envp = NULL, **cgroup_tasks = NULL;
  napi_value result = NULL;
  if ((file = c_string(env, args[0])) == NULL || (argv = c_strings(env, args[1])) == NULL ||
      (envp = c_strings(env, args[2])) == NULL || (cwd = c_string(env, args[3])) == NULL ||
      (cgroup_tasks = c_strings(env, args[7])) == NULL || (mounts.binds = c_strings(env, args[15])) == NULL) {
    goto done;
  }

  pid_t pid;
  int error = start_process(file, argv, envp, cwd, fds, cgroup_tasks, &identity, limits, &mounts, suspend_at_exec, &pid);
  if (error != 0) {
    throw_errno(env, error);
    goto done;
  }

  child_t *child = calloc(1, sizeof *child);
  napi_value name;
  pthread_attr_t thread_attributes;
  pthread_t thread;
  int started = child != NULL && napi_create_string_utf8(env, "job exit", NAPI_AUTO_LENGTH, &name) == napi_ok &&
                napi_create_threadsafe_function(env, args[11], NULL, name, 0, 1, NULL, NULL, NULL, call_on_exit, &child->on_exit) == napi_ok;
  if (started) {
    child->pid = pid;
    pthread_attr_init(&thread_attributes);
    pthread_attr_setdetachstate(&thread_attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&thread_attributes, 64 * 1024);
    started = pthread_create(&thread, &thread_attributes, wait_for_exit, child) == 0;
    pthread_attr_destroy(&thread_attributes);
    if (!started) napi_release_threadsafe_function(child->on_exit, napi_tsfn_abort);
  }
  if (!started) {
    /* Nothing would report this process's end: stop it rather than leave it running unseen. */
    free(child);
    kill(-pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    throw_errno(env, EAGAIN);
    goto done;
  }
  napi_create_int32(env, pid, &result);

done:
  free(file);
  free(cwd);
  free_strings(argv);
  free_strings(envp);
  free_strings(cgroup_tasks);
  free_strings(mounts.binds);
  free(identity.groups);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value spawn;
  CHECK(env, napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, spawn_job, NULL, &spawn));
  CHECK(env, napi_set_named_property(env, exports, "spawn", spawn));
  return exports;
}
