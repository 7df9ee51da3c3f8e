/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "user.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Splits a colon-separated line into at most n fields (in place).  Returns
 * how many it found. */
static size_t fields(char *line, char **f, size_t n) {
        size_t i = 0;
        line[strcspn(line, "\n")] = '\0';
        while (i < n) {
                f[i++] = line;
                char *c = strchr(line, ':');
                if (!c)
                        break;
                *c = '\0';
                line = c + 1;
        }
        return i;
}

/* Looks up a passwd entry by name (or by uid when name is NULL).  Returns 0
 * with the ids and the name (owned by the caller) filled, or -1. */
static int find_passwd(const char *path, const char *name, uid_t uid, uid_t *ret_uid, gid_t *ret_gid,
                       char **ret_name) {
        FILE *f = fopen(path, "re");
        char line[1024], *fl[4];
        uint64_t u, g;
        int r = -1;

        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f)) {
                if (fields(line, fl, 4) < 4 || parse_uint(fl[2], UINT32_MAX - 1, &u) < 0 ||
                    parse_uint(fl[3], UINT32_MAX - 1, &g) < 0)
                        continue;
                if (name ? strcmp(fl[0], name) == 0 : (uid_t) u == uid) {
                        *ret_uid = (uid_t) u;
                        *ret_gid = (gid_t) g;
                        *ret_name = xstrdup(fl[0]);
                        r = 0;
                        break;
                }
        }
        fclose(f);
        return r;
}

/* Resolves a group name or number; with member non-NULL instead collects
 * every group that lists member.  Returns 0 or -1 (group not found). */
static int scan_groups(const char *path, const char *name, gid_t *ret_gid, const char *member, struct user_ids *ids) {
        FILE *f = fopen(path, "re");
        char line[4096], *fl[4];
        uint64_t g;
        int r = -1;

        if (name && parse_uint(name, UINT32_MAX - 1, &g) == 0) {
                *ret_gid = (gid_t) g;
                r = 0;
        }
        if (!f)
                return member ? 0 : r;
        while (r < 0 || member) {
                if (!fgets(line, sizeof(line), f))
                        break;
                if (fields(line, fl, 4) < 4 || parse_uint(fl[2], UINT32_MAX - 1, &g) < 0)
                        continue;
                if (name && strcmp(fl[0], name) == 0) {
                        *ret_gid = (gid_t) g;
                        r = 0;
                }
                if (member) {
                        for (char *m = strtok(fl[3], ","); m; m = strtok(NULL, ","))
                                if (strcmp(m, member) == 0) {
                                        ids->groups = xrealloc(ids->groups, (ids->ngroups + 1) * sizeof(gid_t));
                                        ids->groups[ids->ngroups++] = (gid_t) g;
                                }
                }
        }
        fclose(f);
        return member ? 0 : r;
}

int user_resolve(const char *spec, const char *passwd, const char *group, struct user_ids *ret,
                 const char **ret_why) {
        char *u = xstrdup(spec), *g = strchr(u, ':'), *name = NULL;
        uint64_t n;
        int r = -1;

        memset(ret, 0, sizeof(*ret));
        if (g)
                *g++ = '\0';
        if (parse_uint(u, UINT32_MAX - 1, &n) == 0) {
                if (find_passwd(passwd, NULL, (uid_t) n, &ret->uid, &ret->gid, &name) < 0) {
                        ret->uid = (uid_t) n;
                        ret->gid = 0;
                }
        } else if (find_passwd(passwd, u, 0, &ret->uid, &ret->gid, &name) < 0) {
                *ret_why = "no such user in /etc/passwd";
                goto out;
        }
        if (g && scan_groups(group, g, &ret->gid, NULL, NULL) < 0) {
                *ret_why = "no such group in /etc/group";
                goto out;
        }
        ret->groups = xmalloc(sizeof(gid_t));
        ret->groups[0] = ret->gid;
        ret->ngroups = 1;
        if (name)
                scan_groups(group, NULL, NULL, name, ret);
        r = 0;
out:
        if (r < 0) {
                free(ret->groups);
                ret->groups = NULL;
        }
        free(name);
        free(u);
        return r;
}
