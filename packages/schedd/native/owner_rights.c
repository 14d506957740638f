/*
 * Lets a root schedd read and write a job's files with the rights of the job's owner, as HTCondor's
 * schedd and shadow switch to the user's identity for that I/O. Only the calling thread's filesystem
 * identity changes (setfsuid, setfsgid, and the supplementary groups through the raw system call, which,
 * unlike glibc's setgroups, does not apply itself to every thread): libuv's threadpool, doing the
 * daemon's own I/O meanwhile, keeps root's rights. JavaScript calls enter(), runs synchronous file
 * operations, then leave(); nothing else runs on the thread in between.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_GROUPS 256

#define CHECK(env, call)                                     \
  do {                                                       \
    if ((call) != napi_ok) {                                 \
      napi_throw_error((env), NULL, "owner_rights: " #call); \
      return NULL;                                           \
    }                                                        \
  } while (0)

/* The thread's groups before enter(), restored by leave(). */
static gid_t saved_groups[MAX_GROUPS];
static long saved_group_count = -1;

static napi_value fail(napi_env env, const char *what, int err) {
  char message[256];
  snprintf(message, sizeof message, "owner_rights: %s: %s", what, strerror(err));
  napi_throw_error(env, NULL, message);
  return NULL;
}

static int set_thread_groups(size_t count, const gid_t *groups) {
  return syscall(SYS_setgroups, count, groups) == 0 ? 0 : errno;
}

/* Restores root's filesystem identity; the fsuid first, which gives the thread back its capabilities. */
static int restore(void) {
  setfsuid(0);
  setfsgid(0);
  if ((uid_t)setfsuid((uid_t)-1) != 0 || (gid_t)setfsgid((gid_t)-1) != 0) return EPERM;
  if (saved_group_count >= 0) {
    int err = set_thread_groups((size_t)saved_group_count, saved_groups);
    saved_group_count = -1;
    if (err != 0) return err;
  }
  return 0;
}

/* enter(uid, gid, groups): the calling thread's file accesses are then checked as that user's. */
static napi_value enter(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 3) return fail(env, "enter(uid, gid, groups)", EINVAL);
  uint32_t uid, gid, count;
  CHECK(env, napi_get_value_uint32(env, argv[0], &uid));
  CHECK(env, napi_get_value_uint32(env, argv[1], &gid));
  CHECK(env, napi_get_array_length(env, argv[2], &count));
  if (count > MAX_GROUPS) return fail(env, "too many supplementary groups", E2BIG);
  if (uid == 0) return fail(env, "enter: uid 0 needs no switch", EINVAL);
  if (saved_group_count >= 0) return fail(env, "enter: already entered", EBUSY);
  gid_t groups[MAX_GROUPS];
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    uint32_t value;
    CHECK(env, napi_get_element(env, argv[2], i, &element));
    CHECK(env, napi_get_value_uint32(env, element, &value));
    groups[i] = (gid_t)value;
  }
  long saved = syscall(SYS_getgroups, MAX_GROUPS, saved_groups);
  if (saved < 0) return fail(env, "getgroups", errno);
  saved_group_count = saved;
  int err = set_thread_groups(count, groups);
  if (err != 0) {
    restore();
    return fail(env, "setgroups", err);
  }
  setfsgid(gid);
  setfsuid(uid);
  /* setfsuid and setfsgid report no errors: a second call with an invalid id returns the current one. */
  if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid) {
    restore();
    return fail(env, "setfsuid/setfsgid", EPERM);
  }
  return NULL;
}

static napi_value leave(napi_env env, napi_callback_info info) {
  (void)info;
  int err = restore();
  if (err != 0) return fail(env, "leave", err);
  return NULL;
}

/* The calling thread's filesystem uid (tests check that the switch stays on one thread). */
static napi_value current_fsuid(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  CHECK(env, napi_create_uint32(env, (uint32_t)setfsuid((uid_t)-1), &result));
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  CHECK(env, napi_create_function(env, "enter", NAPI_AUTO_LENGTH, enter, NULL, &fn));
  CHECK(env, napi_set_named_property(env, exports, "enter", fn));
  CHECK(env, napi_create_function(env, "leave", NAPI_AUTO_LENGTH, leave, NULL, &fn));
  CHECK(env, napi_set_named_property(env, exports, "leave", fn));
  CHECK(env, napi_create_function(env, "fsuid", NAPI_AUTO_LENGTH, current_fsuid, NULL, &fn));
  CHECK(env, napi_set_named_property(env, exports, "fsuid", fn));
  return exports;
}
