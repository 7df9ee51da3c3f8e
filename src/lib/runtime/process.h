/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The last steps before execve of the user program, shared by the container's
 * first process and by exec: limits, user, capabilities, working directory,
 * the executable's path.  Everything here runs in the container process. */

#include <stdbool.h>

#include "spec/spec.h"
#include "util/error.h"

/* Finds args[0] as runc does: in PATH (from env, else the default) when it
 * has no slash.  Errors are worded as runc's ("executable file not found in
 * $PATH", "no such file or directory", "permission denied") and carry exit
 * status 127 or 126 in (*err)->status. */
int hull_process_lookup(const hull_spec_process *p, char *const *env, char **ret_path, hull_error **err);

int hull_process_set_rlimits(const hull_spec_process *p, hull_error **err);
int hull_process_set_oom_score_adj(const hull_spec_process *p, hull_error **err);

/* Supplementary groups, gid, uid, then the capability sets of the config,
 * then no_new_privs.  setgroups_allowed is false in a user namespace whose
 * setgroups is denied. */
int hull_process_set_identity(const hull_spec_process *p, bool setgroups_allowed, hull_error **err);

/* chdir to process.cwd (as the final user). */
int hull_process_chdir(const hull_spec_process *p, hull_error **err);

/* HOME from the container's /etc/passwd when env lacks it (runc does this). */
int hull_process_add_home(const hull_spec_process *p, char ***env);

/* Default dispositions and an empty signal mask for the user program. */
void hull_process_reset_signals(void);

/* Makes fds 3..3+preserve-1 inheritable and everything above close-on-exec. */
int hull_process_prepare_fds(unsigned preserve_fds, hull_error **err);

/* execve; on failure returns with *err set (status 127/126), worded as runc. */
int hull_process_exec(const char *path, char *const *args, char *const *env, hull_error **err);

/* Lower-case strerror, as Go prints errno values (engines match the text). */
const char *hull_errno_text(int errnum, char *buf, size_t size);
