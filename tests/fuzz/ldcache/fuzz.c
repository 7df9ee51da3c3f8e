/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ld.so.cache reader on any bytes, then lookups of what it holds. */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "build/ldcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        hull_ldcache *c = NULL;
        hull_error *err = NULL;
        if (hull_ldcache_parse(data, size, "fuzz", &c, &err) == 0) {
                char *hwcaps[] = { "x86-64-v4", "x86-64-v3", "x86-64-v2", NULL };
                int32_t want[] = { 0x0303, 0x0003, -1 };
                for (size_t i = 0; i < c->n_entries && i < 64; i++)
                        for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++)
                                (void) hull_ldcache_lookup(c, c->entries[i].key, want[w], i % 2 ? hwcaps : NULL);
                (void) hull_ldcache_lookup(c, "libc.so.6", hull_ldcache_flags_for(ELFCLASS64, EM_X86_64, 0), hwcaps);
                hull_ldcache_free(c);
        }
        hull_error_free(err);
        return 0;
}
