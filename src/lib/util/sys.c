/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sys.h"

#ifdef HULL_FAULT_INJECTION
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Test-only mutable state: the fault plan of this process. */
static struct {
        unsigned count;
        unsigned fail_at;
        int err;
} faults[_HULL_SYS_MAX];

static const char *const sys_names[_HULL_SYS_MAX] = {
        [HULL_SYS_MOUNT] = "mount",         [HULL_SYS_UMOUNT] = "umount",
        [HULL_SYS_MKDIR] = "mkdir",         [HULL_SYS_MKNOD] = "mknod",
        [HULL_SYS_SYMLINK] = "symlink",     [HULL_SYS_RENAME] = "rename",
        [HULL_SYS_FSYNC] = "fsync",         [HULL_SYS_CLONE] = "clone",
        [HULL_SYS_PIVOT_ROOT] = "pivot_root", [HULL_SYS_SETNS] = "setns",
        [HULL_SYS_WRITE_FILE] = "write_file", [HULL_SYS_OPEN_TREE] = "open_tree",
};

static int errno_from_name(const char *s) {
        static const struct {
                const char *n;
                int e;
        } t[] = { { "EPERM", EPERM }, { "ENOSPC", ENOSPC }, { "EINTR", EINTR }, { "EIO", EIO },
                  { "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EBUSY", EBUSY }, { "EINVAL", EINVAL } };
        for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
                if (strcmp(t[i].n, s) == 0)
                        return t[i].e;
        return atoi(s);
}

int hull_sys_fault_init(void) {
        const char *spec = getenv("HULL_FAULT");
        if (!spec || !*spec)
                return 0;
        char *dup = strdup(spec), *save = NULL;
        if (!dup)
                return -ENOMEM;
        for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                char *c1 = strchr(tok, ':');
                char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!c1 || !c2) {
                        free(dup);
                        return -EINVAL;
                }
                *c1 = *c2 = 0;
                int found = 0;
                for (int i = 0; i < _HULL_SYS_MAX; i++)
                        if (strcmp(sys_names[i], tok) == 0) {
                                faults[i].fail_at = (unsigned) atoi(c1 + 1);
                                faults[i].err = errno_from_name(c2 + 1);
                                found = 1;
                        }
                if (!found) {
                        free(dup);
                        return -EINVAL;
                }
        }
        free(dup);
        return 0;
}

int hull_sys_fault(hull_sys_call c) {
        if (c >= _HULL_SYS_MAX || faults[c].fail_at == 0)
                return 0;
        if (++faults[c].count == faults[c].fail_at)
                return faults[c].err;
        return 0;
}
#endif
