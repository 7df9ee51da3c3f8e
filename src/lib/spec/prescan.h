/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What create wants to know of config.json before it is parsed in full (the
 * parse takes a quarter of a millisecond): enough to start making the
 * network namespace (hull_netns_ahead) at once.  Only a hint -- the parsed
 * spec decides -- so it may say too little, never too much: what it cannot
 * read surely (a string with an escape, a document it cannot follow) it
 * leaves out. */

#include <stdbool.h>
#include <stddef.h>

typedef struct hull_spec_prescan {
        bool netns_new;        /* linux.namespaces has a "network" entry without "path" */
        bool ipcns_new;        /* ... an "ipc" entry without "path" */
        bool userns;           /* ... and a "user" entry */
        bool sysfs;            /* mounts has a "sysfs" mount; the first one's: */
        char sysfs_source[64]; /* source (the type when it has none) */
        bool sysfs_ro;         /* options end with "ro" rather than "rw" */
} hull_spec_prescan;

void hull_spec_prescan_text(const char *text, size_t len, hull_spec_prescan *ret);
