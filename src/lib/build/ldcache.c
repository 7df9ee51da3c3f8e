/* SPDX-License-Identifier: GPL-2.0-or-later */
/* glibc's ld.so.cache (see ldcache.h).  The layout, from glibc's
 * sysdeps/generic/dl-cache.h:
 *
 *   header (48 bytes): "glibc-ld.so.cache" "1.1", u32 nlibs, u32 len_strings,
 *     u8 flags (byte order: 2 little, 3 big, 0 unset), 3 bytes padding,
 *     u32 extension_offset, 3 x u32 unused
 *   nlibs entries (24 bytes): i32 flags, u32 key, u32 value, u32 osversion,
 *     u64 hwcap
 *   the string table; key and value are offsets from the header's start
 *   extension directory (at extension_offset): u32 magic 0xeaa42174,
 *     u32 count, count x {u32 tag, u32 flags, u32 offset, u32 size};
 *     tag 0: the generator string, tag 1: u32 offsets of the glibc-hwcaps
 *     subdirectory names. */
#include "ldcache.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"


#define MAGIC_NEW "glibc-ld.so.cache1.1"
#define MAGIC_OLD "ld.so-1.7.0"
#define HEADER_SIZE 48u
#define ENTRY_SIZE 24u
#define OLD_HEADER_SIZE 16u
#define OLD_ENTRY_SIZE 12u
#define EXTENSION_MAGIC 0xeaa42174u
#define EXT_TAG_GENERATOR 0u
#define EXT_TAG_GLIBC_HWCAPS 1u

typedef struct rd {
        const uint8_t *p; /* the new-format header */
        size_t size;      /* bytes from p to the end of the file */
        size_t base;      /* offset of p in the file, for messages */
        bool msb;
        const char *name;
        hull_error **err;
} rd;

static int bad(rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(rd *r, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hull_error_set_raw(r->err, EINVAL, "%s: %s", r->name, msg);
}

static uint32_t u32(const rd *r, size_t off) {
        const uint8_t *p = r->p + off;
        return r->msb ? (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3]
                      : (uint32_t) p[3] << 24 | (uint32_t) p[2] << 16 | (uint32_t) p[1] << 8 | p[0];
}

static uint64_t u64(const rd *r, size_t off) {
        uint64_t a = u32(r, off), b = u32(r, off + 4);
        return r->msb ? a << 32 | b : b << 32 | a;
}

/* The string at `off` from the header: must start and end inside the file. */
static const char *string_at(rd *r, uint32_t off, const char *what, size_t index) {
        if (off >= r->size) {
                bad(r, "entry %zu: %s offset %#x is outside the file", index, what, off);
                return NULL;
        }
        const char *s = (const char *) r->p + off;
        if (!memchr(s, 0, r->size - off)) {
                bad(r, "entry %zu: the %s at offset %#zx is not NUL-terminated", index, what, r->base + off);
                return NULL;
        }
        return s;
}

static int parse_extensions(rd *r, hull_ldcache *c, uint32_t ext_off, size_t strings_start) {
        if (ext_off == 0)
                return 0;
        if (ext_off < strings_start || ext_off % 4 != 0 || ext_off > r->size || r->size - ext_off < 8)
                return bad(r, "extension_offset %#x is outside the file or misaligned", ext_off);
        if (u32(r, ext_off) != EXTENSION_MAGIC)
                return 0; /* glibc ignores an extension area without its magic */
        uint32_t count = u32(r, ext_off + 4);
        if (count > (r->size - ext_off - 8) / 16)
                return bad(r, "the extension directory at %#zx claims %u sections, more than fit in the file",
                           r->base + ext_off, count);
        for (uint32_t i = 0; i < count; i++) {
                size_t sec = ext_off + 8 + (size_t) i * 16;
                uint32_t tag = u32(r, sec), off = u32(r, sec + 8), size = u32(r, sec + 12);
                if (off > r->size || size > r->size - off)
                        return bad(r, "extension section %u (tag %u) at %#x, %u bytes, is outside the file", i, tag, off,
                                   size);
                if (tag == EXT_TAG_GENERATOR && !c->generator) {
                        c->generator = strndup((const char *) r->p + off, size);
                        if (!c->generator)
                                return hull_error_set(r->err, ENOMEM, "%s", r->name);
                } else if (tag == EXT_TAG_GLIBC_HWCAPS && hull_strv_length(c->hwcaps) == 0) {
                        if (size % 4 != 0 || off % 4 != 0)
                                return bad(r, "the glibc-hwcaps section at %#x has a size (%u) or offset that is not a "
                                           "multiple of 4",
                                           off, size);
                        for (uint32_t k = 0; k < size / 4; k++) {
                                uint32_t s = u32(r, off + (size_t) k * 4);
                                const char *name = string_at(r, s, "glibc-hwcaps name", k);
                                if (!name)
                                        return -EINVAL;
                                if (!*name || strchr(name, '/'))
                                        return bad(r, "glibc-hwcaps name %u (\"%s\") is not a directory name", k, name);
                                if (hull_strv_push(&c->hwcaps, name) < 0)
                                        return hull_error_set(r->err, ENOMEM, "%s", r->name);
                        }
                }
        }
        return 0;
}

int hull_ldcache_parse(const void *buf, size_t size, const char *name, hull_ldcache **ret, hull_error **err) {
        rd r = { .name = name, .err = err };
        if (size > HULL_LDCACHE_MAX_SIZE)
                return hull_error_set_raw(err, EINVAL, "%s: %zu bytes is absurd for ld.so.cache", name, size);
        _cleanup_ldcache_ hull_ldcache *c = calloc(1, sizeof(*c));
        if (!c || !(c->hwcaps = calloc(1, sizeof(char *))) || !(c->data = malloc(size ? size : 1)))
                return hull_error_set(err, ENOMEM, "%s", name);
        if (size)
                memcpy(c->data, buf, size);
        c->size = size;
        const uint8_t *d = (const uint8_t *) c->data;

        size_t start = 0;
        if (size >= OLD_HEADER_SIZE && memcmp(d, MAGIC_OLD, strlen(MAGIC_OLD)) == 0) {
                /* The compat format: the new cache follows the old entries,
                 * 8-aligned.  The old part is in host order. */
                uint32_t nold;
                memcpy(&nold, d + 12, 4);
                if (nold > (size - OLD_HEADER_SIZE) / OLD_ENTRY_SIZE)
                        return hull_error_set_raw(err, EINVAL, "%s: the old-format header claims %u entries, more "
                                                  "than fit in the file", name, nold);
                start = (OLD_HEADER_SIZE + (size_t) nold * OLD_ENTRY_SIZE + 7) & ~(size_t) 7;
        }
        if (start > size || size - start < HEADER_SIZE || memcmp(d + start, MAGIC_NEW, strlen(MAGIC_NEW)) != 0)
                return hull_error_set_raw(err, EINVAL, "%s: not an ld.so.cache in the glibc-ld.so.cache1.1 format",
                                          name);
        r.p = d + start;
        r.size = size - start;
        r.base = start;

        unsigned endian = r.p[28] & 3;
        if (endian == 1)
                return bad(&r, "the header's byte-order flag is invalid");
        if (endian == 0) {
                /* Unset (ldconfig before 2.33): the writer's order; take the
                 * one whose entry count fits. */
                uint32_t le = r.p[20] | r.p[21] << 8 | r.p[22] << 16 | (uint32_t) r.p[23] << 24;
                r.msb = le > (r.size - HEADER_SIZE) / ENTRY_SIZE;
        } else
                r.msb = endian == 3;
        c->big_endian = r.msb;

        uint32_t nlibs = u32(&r, 20);
        uint32_t len_strings = u32(&r, 24);
        uint32_t ext_off = u32(&r, 32);
        if (nlibs > (r.size - HEADER_SIZE) / ENTRY_SIZE)
                return bad(&r, "the header claims %u entries, more than fit in the file (%zu bytes)", nlibs, size);
        size_t strings_start = HEADER_SIZE + (size_t) nlibs * ENTRY_SIZE;
        if (len_strings > r.size - strings_start)
                return bad(&r, "the string table (%u bytes at %#zx) runs past the end of the file", len_strings,
                           r.base + strings_start);

        int ret_ext = parse_extensions(&r, c, ext_off, strings_start);
        if (ret_ext < 0)
                return ret_ext;
        size_t n_hwcaps = hull_strv_length(c->hwcaps);

        c->entries = calloc(nlibs ? nlibs : 1, sizeof(*c->entries));
        if (!c->entries)
                return hull_error_set(err, ENOMEM, "%s", name);
        for (uint32_t i = 0; i < nlibs; i++) {
                size_t e = HEADER_SIZE + (size_t) i * ENTRY_SIZE;
                hull_ldcache_entry *x = &c->entries[i];
                x->flags = (int32_t) u32(&r, e);
                x->hwcap = u64(&r, e + 16);
                if (!(x->key = string_at(&r, u32(&r, e + 4), "key", i)) ||
                    !(x->value = string_at(&r, u32(&r, e + 8), "value", i)))
                        return -EINVAL;
                if ((x->hwcap >> 32) == (HULL_LDCACHE_HWCAP_EXTENSION >> 32)) {
                        uint32_t idx = (uint32_t) x->hwcap;
                        if (idx >= n_hwcaps)
                                return bad(&r, "entry %u (%s) names glibc-hwcaps subdirectory %u of %zu", i, x->key, idx,
                                           n_hwcaps);
                        x->hwcaps = c->hwcaps[idx];
                } else if (x->hwcap != 0)
                        x->legacy_hwcap = true;
        }
        c->n_entries = nlibs;
        *ret = TAKE_PTR(c);
        return 0;
}

int hull_ldcache_load_at(int rootfd, const char *path, hull_ldcache **ret, hull_error **err) {
        _cleanup_close_ int fd = hull_open_in_root(rootfd, path, O_RDONLY | O_NOCTTY, 0);
        if (fd == -ENOENT || fd == -ENOTDIR) {
                *ret = NULL;
                return 0;
        }
        if (fd < 0)
                return hull_error_set(err, -fd, "open %s", path);
        _cleanup_free_ char *data = NULL;
        size_t len = 0;
        char fdpath[HULL_FD_PATH_MAX];
        int r = hull_read_file_at(AT_FDCWD, hull_fd_path(fd, fdpath, sizeof(fdpath)), HULL_LDCACHE_MAX_SIZE, &data,
                                  &len);
        if (r < 0)
                return hull_error_set(err, -r, "read %s", path);
        return hull_ldcache_parse(data, len, path, ret, err);
}

void hull_ldcache_free(hull_ldcache *c) {
        if (!c)
                return;
        free(c->data);
        free(c->entries);
        free(c->generator);
        hull_strv_free(c->hwcaps);
        free(c);
}

int32_t hull_ldcache_flags_for(uint8_t elf_class, uint16_t machine, uint32_t e_flags) {
        (void) e_flags;
        bool is64 = elf_class == ELFCLASS64;
        switch (machine) {
        case EM_X86_64: return is64 ? 0x0303 : 0x0803;
        case EM_386: return 0x0003;
        case EM_AARCH64: return is64 ? 0x0a03 : -1;
        case EM_S390: return is64 ? 0x0403 : 0x0003;
        case EM_PPC64: return 0x0503;
        case EM_PPC: return 0x0003;
        case EM_SPARCV9: return 0x0103;
        case EM_IA_64: return 0x0203;
        default: return -1; /* ARM, MIPS, RISC-V, LoongArch: the float ABI decides */
        }
}

static bool flags_ok(int32_t flags, int32_t want) {
        if (want >= 0)
                return flags == want || flags == HULL_LDCACHE_FLAG_ELF;
        int32_t type = flags & HULL_LDCACHE_FLAG_TYPE_MASK;
        return type == HULL_LDCACHE_FLAG_ELF || type == HULL_LDCACHE_FLAG_ELF_LIBC6;
}

const hull_ldcache_entry *hull_ldcache_lookup(const hull_ldcache *c, const char *name, int32_t want,
                                              char *const *hwcaps) {
        const hull_ldcache_entry *plain = NULL, *best = NULL;
        size_t best_rank = SIZE_MAX;
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_entries; i++) {
                const hull_ldcache_entry *e = &c->entries[i];
                if (strcmp(e->key, name) != 0 || !flags_ok(e->flags, want) || e->legacy_hwcap)
                        continue;
                if (!e->hwcaps) {
                        if (!plain)
                                plain = e;
                        continue;
                }
                for (size_t k = 0; hwcaps && hwcaps[k]; k++)
                        if (strcmp(hwcaps[k], e->hwcaps) == 0 && k < best_rank) {
                                best = e;
                                best_rank = k;
                        }
        }
        return best ? best : plain;
}
