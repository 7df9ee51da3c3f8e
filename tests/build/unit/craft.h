/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Crafted ELF files and ld.so.caches for the build part's unit tests. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct craft {
        int bits;              /* 32 or 64 (default 64) */
        bool msb;              /* big-endian */
        uint16_t type;         /* default ET_DYN */
        uint16_t machine;      /* default EM_X86_64 (EM_386 for 32 bits unless set) */
        const char *interp;    /* PT_INTERP */
        const char *soname, *rpath, *runpath;
        const char *needed[16];
        uint64_t flags_1;
        bool no_dynamic;
        const char *undef[8];  /* undefined dynamic symbols (DT_HASH, DT_SYMTAB) */
        const void *extra;     /* bytes appended to the file (e.g. a fake ld.so's system dirs) */
        size_t extra_size;
} craft;

/* Where things are in a crafted file. */
typedef struct craft_layout {
        size_t ehdr_size, phoff, phentsize, phnum;
        size_t interp_off, dyn_off, dyn_size, dynstr_off, dynstr_size, dynsym_off, hash_off;
        size_t size;
} craft_layout;

/* Returns a malloc'd image and its layout. */
uint8_t *craft_elf(const craft *c, craft_layout *ret);

/* Writes a crafted file (mode 0755), creating parent directories.  Returns 0 or -errno. */
int craft_write(const char *path, const craft *c);
int write_file(const char *path, const void *data, size_t size, unsigned mode);

/* Stores an integer of `bytes` bytes at p in the given byte order. */
void craft_put(uint8_t *p, uint64_t v, int bytes, bool msb);

/* An ld.so.cache in the glibc-ld.so.cache1.1 format. */
typedef struct cache_entry {
        int32_t flags;
        const char *key, *value;
        int hwcaps; /* -1: none, else index into the hwcaps names */
} cache_entry;

uint8_t *craft_ldcache(const cache_entry *e, size_t n, const char *const *hwcaps, bool msb, size_t *ret_size);

/* mkdir -p; returns 0 or -errno. */
int mkdirs(const char *path);
