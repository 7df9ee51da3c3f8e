/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json and process.json parsing and validation. */
#include <stddef.h>
#include <stdint.h>

#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        hull_spec *s = NULL;
        hull_error *err = NULL;
        if (hull_spec_parse((const char *) data, size, "config.json", &s, &err) == 0)
                hull_spec_free(s);
        hull_error_free(err);
        err = NULL;
        hull_spec_process p;
        if (hull_spec_parse_process((const char *) data, size, "process.json", &p, &err) == 0)
                hull_spec_process_done(&p);
        hull_error_free(err);
        return 0;
}
