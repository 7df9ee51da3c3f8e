/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The user a service runs as, read from /etc/passwd and /etc/group directly
 * (a static binary has no NSS). */

#include <stddef.h>
#include <sys/types.h>

struct user_ids {
        uid_t uid;
        gid_t gid;
        gid_t *groups; /* supplementary groups, owned by the caller */
        size_t ngroups;
};

/* Resolves "USER" or "USER:GROUP", each a name or a number, using the
 * passwd and group files given (normally /etc/passwd and /etc/group).  A
 * name's primary group and every group listing it as a member are its
 * groups; a number with no passwd entry gets group 0 as with Docker.
 * Returns 0, or -1 with *ret_why set. */
int user_resolve(const char *spec, const char *passwd, const char *group, struct user_ids *ret,
                 const char **ret_why);
