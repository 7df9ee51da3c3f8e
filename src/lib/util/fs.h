/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Reads a whole file (at most max bytes, 0 = 64 MiB) into a NUL-terminated
 * buffer.  Returns 0 or -errno; *ret is owned by the caller. */
int hull_read_file_at(int dfd, const char *path, size_t max, char **ret, size_t *ret_len);

/* Reads /proc/PID/stat (pid 0: this process's): *state (when not NULL) gets
 * field 3, v[i] the number in field i for 4 <= i < n.  The command (field 2)
 * may hold spaces and parentheses: fields are counted after its last ')'.
 * Returns the number of fields read plus one (n when the line has them all;
 * v[i] is 0 beyond), or -errno. */
int hull_proc_stat(pid_t pid, char *state, unsigned long long *v, size_t n);

/* Writes a string to an existing file (a /proc or cgroup knob): one write(2).
 * Returns 0 or -errno. */
int hull_write_file_at(int dfd, const char *path, const char *data, size_t len);
int hull_write_str_at(int dfd, const char *path, const char *s);
/* hull_write_file_at on an open fd: one write(2), as a cgroup or proc file
 * wants each value (several values: several calls on one fd). */
int hull_write_fd(int fd, const char *data, size_t len);

/* Atomically replaces dfd/name: temp file, write, (fsync), rename, (fsync
 * dir).  HULL_WRITE_DURABLE adds the fsyncs: for what must survive a crash
 * (images, bundles).  Runtime state under /run is volatile by definition --
 * after a power loss the processes it describes are gone -- so it is written
 * atomically but not synced.  Returns 0 or a negative value with *err set. */
#define HULL_WRITE_DURABLE 1u
int hull_write_atomic_at(int dfd, const char *name, const void *data, size_t len, mode_t mode, unsigned flags,
                         hull_error **err);

/* hull_write_atomic_at in two steps, for a caller that writes ahead and
 * commits later: the temp file (its name in tmp), then the rename.  A failed
 * step removes the temp file; so must a caller that never installs it. */
#define HULL_TEMP_NAME_MAX 512
int hull_write_temp_at(int dfd, const char *name, const void *data, size_t len, mode_t mode, unsigned flags,
                       char tmp[HULL_TEMP_NAME_MAX], hull_error **err);
int hull_install_temp_at(int dfd, const char *tmp, const char *name, unsigned flags, hull_error **err);

/* Copies everything from in (at its offset) to out: copy_file_range, or
 * read/write where the kernel cannot.  Returns 0 or -errno. */
int hull_copy_data(int in, int out);
/* The same, stopping after `size` bytes (what fstat said; -1: no limit), so
 * that most files take one copy_file_range.  Returns 0 or -errno. */
int hull_copy_data_size(int in, int out, off_t size);

/* mkdir -p on the host, relative to dfd (AT_FDCWD allowed).  Returns 0 or -errno. */
int hull_mkdir_p_at(int dfd, const char *path, mode_t mode);

/* Removes dfd/path and everything below it, never crossing mount points and
 * never following symlinks.  Returns 0 or -errno (ENOENT is success). */
int hull_rm_rf_at(int dfd, const char *path);

/* Opens `path` inside the tree rooted at rootfd as if rootfd were "/":
 * openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS).  Returns an fd or -errno. */
int hull_open_in_root(int rootfd, const char *path, int flags, mode_t mode);

/* Like hull_open_in_root() but creates missing directories on the way
 * (mode `mode`); with `last_is_file` the last component is created as an
 * empty regular file instead.  Returns an O_PATH fd to the target, or -errno.
 * Never creates anything outside rootfd: each component is created in the
 * already-resolved parent with mkdirat and re-opened with O_NOFOLLOW. */
int hull_mkpath_in_root(int rootfd, const char *path, mode_t mode, bool last_is_file);

/* "/proc/self/fd/<fd>" into buf (at least 32 bytes). */
const char *hull_fd_path(int fd, char *buf, size_t size);
#define HULL_FD_PATH_MAX 40

/* Makes every fd >= from close-on-exec (close_range, or a /proc/self/fd walk). */
int hull_cloexec_from(int from);

bool hull_path_is_abs_clean(const char *p);

/* A path without "", "." and ".." components: with `absolute`, "/a/b" (".."
 * stops at "/", as inside a root); otherwise "a/b" relative to a top that a
 * ".." may not leave (-EPERM), "" for the top itself.  A leading '/' of the
 * input is ignored either way.  Returns 0 (*ret caller-owned) or -errno. */
int hull_path_normalize(const char *path, bool absolute, char **ret);

/* Closes every fd >= from except those in keep[] (any order; -1 entries
 * ignored), with close_range over the gaps.  Returns 0 or -errno. */
int hull_close_fds_except(int from, const int *keep, size_t n);

/* Opens `rel` (e.g. "sys/net/ipv4/ip_forward", "1/oom_score_adj") below the
 * procfs mounted at `proc` inside rootfd (e.g. "/proc"): the directory must be
 * procfs (fstatfs) and reached without symlinks, and the file beneath it
 * without symlinks or mount crossings -- so that a write cannot be redirected
 * by a symlink or a mount over part of /proc (CVE-2025-52881).  Returns an fd
 * or -errno (-EXDEV: not procfs, or a mount in the way). */
int hull_open_procfs(int rootfd, const char *proc, const char *rel, int flags);
