/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Starting a program: fork, put the child in its own process group (the
 * terminal's foreground one when asked), set it up, reset its signals and
 * execve it with a PATH search of its own environment. */

#include <stdbool.h>
#include <sys/types.h>

struct spawn_opts {
        char *const *argv;  /* program and arguments; argv[0] is searched in PATH */
        char *const *envp;  /* its environment */
        const char *label;  /* names the program in messages ("web: "), or NULL */
        const char *dir;    /* working directory, or NULL */
        bool set_ids;       /* switch to uid/gid/groups */
        uid_t uid;
        gid_t gid;
        const gid_t *groups;
        size_t ngroups;
        bool foreground;    /* make its process group the foreground one of fd 0 */
        int stdout_fd;      /* becomes its fd 1, or -1 to inherit */
        int stderr_fd;      /* becomes its fd 2, or -1 to inherit */
        int notify_fd;      /* becomes its fd notify_as, or -1 */
        int notify_as;
        int report_fd;      /* close-on-exec pipe: gets the errno when setup or exec fails, or -1 */
};

/* Starts the program.  Returns its pid (also its process group id), or
 * -errno when fork failed.  When the child cannot be set up or executed it
 * says why on stderr and exits 127 (not found) or 126 (anything else). */
pid_t spawn_program(const struct spawn_opts *o);

/* execve with a PATH search like execvp, without the libc's ENOEXEC
 * fallback to /bin/sh.  Returns only on failure, with errno set: EACCES
 * when some candidate was found but not executable. */
void exec_search(char *const *argv, char *const *envp);
