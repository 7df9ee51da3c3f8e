/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json and process.json parsing and validation; and the prescan that
 * create starts from, which must never say more than the parse. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/prescan.h"
#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_prescan(const char *text, size_t len, const hull_spec *s) {
        hull_spec_prescan p;
        hull_spec_prescan_text(text, len, &p);
        if (!s)
                return;
        if (p.netns_new && (!s->ns[HULL_NS_NETWORK].present || s->ns[HULL_NS_NETWORK].path))
                abort();
        if (p.ipcns_new && (!s->ns[HULL_NS_IPC].present || s->ns[HULL_NS_IPC].path))
                abort();
        if (p.userns && !s->ns[HULL_NS_USER].present)
                abort();
        if (p.sysfs) {
                size_t i = 0;
                while (i < s->n_mounts && strcmp(s->mounts[i].type ? s->mounts[i].type : "", "sysfs") != 0)
                        i++;
                if (i == s->n_mounts)
                        abort();
                const char *src = s->mounts[i].source ? s->mounts[i].source : "sysfs";
                int ro = 0;
                for (char **o = s->mounts[i].options; o && *o; o++)
                        if (strcmp(*o, "ro") == 0 || strcmp(*o, "rw") == 0)
                                ro = (*o)[1] == 'o';
                if (strcmp(src, p.sysfs_source) != 0 || ro != p.sysfs_ro)
                        abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        hull_spec *s = NULL;
        hull_error *err = NULL;
        if (hull_spec_parse((const char *) data, size, "config.json", &s, &err) < 0)
                s = NULL;
        check_prescan((const char *) data, size, s);
        hull_spec_free(s);
        hull_error_free(err);
        err = NULL;
        hull_spec_process p;
        if (hull_spec_parse_process((const char *) data, size, "process.json", &p, &err) == 0)
                hull_spec_process_done(&p);
        hull_error_free(err);
        return 0;
}
