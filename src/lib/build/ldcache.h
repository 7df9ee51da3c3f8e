/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A reader of glibc's /etc/ld.so.cache in the current format
 * ("glibc-ld.so.cache1.1", written by ldconfig since glibc 2.32; the older
 * "ld.so-1.7.0" compat prefix is skipped when present), in either byte
 * order.  Every offset in the file is checked: the header, the entry array,
 * every key and value string (NUL-terminated inside the file), the extension
 * directory and its sections (the generator string, the glibc-hwcaps
 * subdirectory names). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Entry flags (glibc's ldconfig.h). */
#define HULL_LDCACHE_FLAG_TYPE_MASK 0x00ff
#define HULL_LDCACHE_FLAG_ELF 0x0001
#define HULL_LDCACHE_FLAG_ELF_LIBC6 0x0003
#define HULL_LDCACHE_FLAG_REQUIRED_MASK 0xff00

/* The hwcap bit that marks a glibc-hwcaps entry: the low 32 bits then index
 * the glibc-hwcaps subdirectory names. */
#define HULL_LDCACHE_HWCAP_EXTENSION (1ULL << 62)

#define HULL_LDCACHE_MAX_SIZE (256u << 20)

typedef struct hull_ldcache_entry {
        int32_t flags;
        uint64_t hwcap;
        const char *key;    /* the library's name ("libc.so.6"), inside the cache's copy */
        const char *value;  /* its path */
        const char *hwcaps; /* "x86-64-v3" for a glibc-hwcaps entry, else NULL */
        bool legacy_hwcap;  /* a pre-2.33 hwcap mask entry (lookups skip these) */
} hull_ldcache_entry;

typedef struct hull_ldcache {
        char *data;                   /* owned copy of the file */
        size_t size;
        hull_ldcache_entry *entries;  /* in file order */
        size_t n_entries;
        char *generator;              /* "ldconfig (GNU libc) ..." or NULL */
        char **hwcaps;                /* the glibc-hwcaps subdirectory names, NULL-terminated, never NULL */
        bool big_endian;
} hull_ldcache;

/* Parses a cache image; `name` is used in messages.  Returns 0 and *ret
 * (owned by the caller: hull_ldcache_free; it keeps its own copy of the
 * data) or a negative value with *err set (-EINVAL for a broken file). */
int hull_ldcache_parse(const void *buf, size_t size, const char *name, hull_ldcache **ret, hull_error **err);

/* Reads and parses `path` inside the directory tree rootfd (openat2
 * RESOLVE_IN_ROOT).  A missing file is not an error: returns 0 with *ret
 * NULL. */
int hull_ldcache_load_at(int rootfd, const char *path, hull_ldcache **ret, hull_error **err);

void hull_ldcache_free(hull_ldcache *c);
static inline void hull_ldcache_freep(hull_ldcache **c) {
        if (*c) {
                hull_ldcache_free(*c);
                *c = NULL;
        }
}
#define _cleanup_ldcache_ __attribute__((cleanup(hull_ldcache_freep)))

/* The flags value that glibc's ld.so for this ELF class and machine accepts
 * (_DL_CACHE_DEFAULT_ID: 0x0303 for x86_64, 0x0003 for i386...), or -1 when
 * this reader does not know the machine (lookups then accept any libc6 or
 * ELF entry and leave the check to the ELF header). */
int32_t hull_ldcache_flags_for(uint8_t elf_class, uint16_t machine, uint32_t e_flags);

/* Looks `name` up like glibc's ld.so: among the entries with this key whose
 * flags are `want` (or plain FLAG_ELF, or anything libc6/ELF when want is -1)
 * the glibc-hwcaps entry whose subdirectory comes first in `hwcaps` (a
 * NULL-terminated priority list, best first; NULL = none supported) wins,
 * else the first entry without hwcaps.  Returns the entry (owned by the
 * cache) or NULL. */
const hull_ldcache_entry *hull_ldcache_lookup(const hull_ldcache *c, const char *name, int32_t want,
                                              char *const *hwcaps);
