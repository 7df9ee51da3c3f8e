/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: parse, then compile what parses (no cache, no load). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        json_t *o = json_loadb((const char *) data, size, 0, NULL);
        if (!o)
                return 0;
        hull_spec_seccomp *sc = NULL;
        hull_error *err = NULL;
        if (json_is_object(o) && hull_spec_parse_seccomp(o, "config.json", &sc, &err) == 0) {
                hull_seccomp_filter f;
                if (hull_seccomp_prepare(sc, NULL, &f, &err) == 0)
                        hull_seccomp_filter_done(&f);
                hull_spec_seccomp_free(sc);
        }
        hull_error_free(err);
        json_decref(o);
        return 0;
}
