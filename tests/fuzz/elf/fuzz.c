/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ELF reader (headers, PT_INTERP, PT_DYNAMIC, dynamic symbols), the #!
 * parser and the system-directory scan of an interpreter, on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "build/deps-config.h"
#include "build/elf.h"
#include "util/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        hull_elf *e = NULL;
        hull_error *err = NULL;
        if (hull_elf_parse_buffer(data, size, "fuzz", HULL_ELF_PARSE_SYMBOLS, &e, &err) == 0) {
                /* what the resolver reads of a result */
                size_t n = hull_strv_length(e->needed);
                (void) n;
                (void) hull_elf_kind_name(e->kind);
                (void) hull_elf_machine_name(e->machine);
                (void) hull_elf_platform(e->elf_class, e->machine);
                hull_elf *d = hull_elf_dup(e);
                hull_elf_free(d);
                hull_elf_free(e);
        }
        hull_error_free(err);
        err = NULL;

        hull_script s;
        if (hull_script_parse(data, size, "fuzz", &s, &err) > 0)
                hull_script_done(&s);
        hull_error_free(err);

        char **dirs = NULL;
        if (hull_interp_system_dirs(data, size, &dirs) > 0)
                hull_strv_free(dirs);
        return 0;
}
