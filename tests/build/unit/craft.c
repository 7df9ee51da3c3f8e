/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "craft.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void craft_put(uint8_t *p, uint64_t v, int bytes, bool msb) {
        for (int i = 0; i < bytes; i++)
                p[msb ? bytes - 1 - i : i] = (uint8_t) (v >> (8 * i));
}

static size_t align8(size_t x) {
        return (x + 7) & ~(size_t) 7;
}

uint8_t *craft_elf(const craft *c, craft_layout *ret) {
        int bits = c->bits ? c->bits : 64;
        bool is64 = bits == 64, msb = c->msb;
        uint16_t type = c->type ? c->type : ET_DYN;
        uint16_t machine = c->machine ? c->machine : (is64 ? EM_X86_64 : EM_386);
        size_t w = is64 ? 8 : 4;
        craft_layout l = { .ehdr_size = is64 ? 64 : 52, .phentsize = is64 ? 56 : 32 };
        l.phnum = 1 + (c->interp != NULL) + !c->no_dynamic;
        l.phoff = l.ehdr_size;
        size_t off = align8(l.phoff + l.phnum * l.phentsize);

        /* dynstr */
        char strtab[4096];
        size_t slen = 1;
        strtab[0] = 0;
        size_t needed_idx[16], soname_idx = 0, rpath_idx = 0, runpath_idx = 0, undef_idx[8];
        size_t n_needed = 0, n_undef = 0;
#define ADDSTR(s, idx)                              \
        do {                                        \
                idx = slen;                         \
                strcpy(strtab + slen, s);           \
                slen += strlen(s) + 1;              \
        } while (0)
        for (; n_needed < 16 && c->needed[n_needed]; n_needed++)
                ADDSTR(c->needed[n_needed], needed_idx[n_needed]);
        if (c->soname)
                ADDSTR(c->soname, soname_idx);
        if (c->rpath)
                ADDSTR(c->rpath, rpath_idx);
        if (c->runpath)
                ADDSTR(c->runpath, runpath_idx);
        for (; n_undef < 8 && c->undef[n_undef]; n_undef++)
                ADDSTR(c->undef[n_undef], undef_idx[n_undef]);

        if (c->interp) {
                l.interp_off = off;
                off = align8(off + strlen(c->interp) + 1);
        }
        l.dynstr_off = off;
        l.dynstr_size = slen;
        off = align8(off + slen);
        size_t symsz = is64 ? 24 : 16;
        if (n_undef) {
                l.dynsym_off = off;
                off = align8(off + (n_undef + 1) * symsz);
                l.hash_off = off;
                off = align8(off + (2 + 1 + n_undef + 1) * 4);
        }
        size_t n_dyn = c->no_dynamic ? 0 : n_needed + !!c->soname + !!c->rpath + !!c->runpath + 1 + 2 + 1 + (n_undef ? 3 : 0);
        l.dyn_off = off;
        l.dyn_size = n_dyn * 2 * w;
        off = align8(off + l.dyn_size);
        size_t extra_off = off;
        l.size = off + c->extra_size;

        uint8_t *b = calloc(1, l.size);
        uint64_t base = type == ET_EXEC ? 0x400000 : 0;
        memcpy(b, ELFMAG, SELFMAG);
        b[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
        b[EI_DATA] = msb ? ELFDATA2MSB : ELFDATA2LSB;
        b[EI_VERSION] = EV_CURRENT;
        craft_put(b + 16, type, 2, msb);
        craft_put(b + 18, machine, 2, msb);
        craft_put(b + 20, EV_CURRENT, 4, msb);
        if (is64) {
                craft_put(b + 32, l.phoff, 8, msb);
                craft_put(b + 52, l.ehdr_size, 2, msb);
                craft_put(b + 54, l.phentsize, 2, msb);
                craft_put(b + 56, l.phnum, 2, msb);
        } else {
                craft_put(b + 28, l.phoff, 4, msb);
                craft_put(b + 40, l.ehdr_size, 2, msb);
                craft_put(b + 42, l.phentsize, 2, msb);
                craft_put(b + 44, l.phnum, 2, msb);
        }
        uint8_t *ph = b + l.phoff;
#define PHDR(type_, off_, size_)                                                \
        do {                                                                    \
                if (is64) {                                                     \
                        craft_put(ph, type_, 4, msb);                           \
                        craft_put(ph + 4, PF_R, 4, msb);                        \
                        craft_put(ph + 8, off_, 8, msb);                        \
                        craft_put(ph + 16, base + (off_), 8, msb);              \
                        craft_put(ph + 24, base + (off_), 8, msb);              \
                        craft_put(ph + 32, size_, 8, msb);                      \
                        craft_put(ph + 40, size_, 8, msb);                      \
                        craft_put(ph + 48, 8, 8, msb);                          \
                } else {                                                        \
                        craft_put(ph, type_, 4, msb);                           \
                        craft_put(ph + 4, off_, 4, msb);                        \
                        craft_put(ph + 8, base + (off_), 4, msb);               \
                        craft_put(ph + 12, base + (off_), 4, msb);              \
                        craft_put(ph + 16, size_, 4, msb);                      \
                        craft_put(ph + 20, size_, 4, msb);                      \
                        craft_put(ph + 24, PF_R, 4, msb);                       \
                        craft_put(ph + 28, 8, 4, msb);                          \
                }                                                               \
                ph += l.phentsize;                                              \
        } while (0)
        PHDR(PT_LOAD, 0, l.size);
        if (c->interp) {
                PHDR(PT_INTERP, l.interp_off, strlen(c->interp) + 1);
                strcpy((char *) b + l.interp_off, c->interp);
        }
        if (!c->no_dynamic)
                PHDR(PT_DYNAMIC, l.dyn_off, l.dyn_size);
        memcpy(b + l.dynstr_off, strtab, slen);
        if (n_undef) {
                for (size_t i = 0; i < n_undef; i++) {
                        uint8_t *s = b + l.dynsym_off + (i + 1) * symsz;
                        craft_put(s, undef_idx[i], 4, msb);
                        s[is64 ? 4 : 12] = (STB_GLOBAL << 4) | STT_FUNC; /* st_info; st_shndx stays SHN_UNDEF */
                }
                craft_put(b + l.hash_off, 1, 4, msb);               /* nbucket */
                craft_put(b + l.hash_off + 4, n_undef + 1, 4, msb); /* nchain */
        }
        uint8_t *d = b + l.dyn_off;
#define DYN(tag, val)                                     \
        do {                                              \
                craft_put(d, (uint64_t) (tag), (int) w, msb); \
                craft_put(d + w, (val), (int) w, msb);    \
                d += 2 * w;                               \
        } while (0)
        if (!c->no_dynamic) {
                for (size_t i = 0; i < n_needed; i++)
                        DYN(DT_NEEDED, needed_idx[i]);
                if (c->soname)
                        DYN(DT_SONAME, soname_idx);
                if (c->rpath)
                        DYN(DT_RPATH, rpath_idx);
                if (c->runpath)
                        DYN(DT_RUNPATH, runpath_idx);
                DYN(DT_FLAGS_1, c->flags_1);
                DYN(DT_STRTAB, base + l.dynstr_off);
                DYN(DT_STRSZ, slen);
                if (n_undef) {
                        DYN(DT_SYMTAB, base + l.dynsym_off);
                        DYN(DT_SYMENT, symsz);
                        DYN(DT_HASH, base + l.hash_off);
                }
                DYN(DT_NULL, 0);
        }
        if (c->extra_size)
                memcpy(b + extra_off, c->extra, c->extra_size);
        if (ret)
                *ret = l;
        return b;
}

int mkdirs(const char *path) {
        char buf[4096];
        snprintf(buf, sizeof(buf), "%s", path);
        for (char *s = buf + 1; *s; s++)
                if (*s == '/') {
                        *s = 0;
                        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        *s = '/';
                }
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int write_file(const char *path, const void *data, size_t size, unsigned mode) {
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = 0;
                int r = mkdirs(dir);
                if (r < 0)
                        return r;
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0)
                return -errno;
        ssize_t n = write(fd, data, size);
        close(fd);
        chmod(path, mode);
        return n == (ssize_t) size ? 0 : -EIO;
}

int craft_write(const char *path, const craft *c) {
        craft_layout l;
        uint8_t *b = craft_elf(c, &l);
        int r = write_file(path, b, l.size, 0755);
        free(b);
        return r;
}

uint8_t *craft_ldcache(const cache_entry *e, size_t n, const char *const *hwcaps, bool msb, size_t *ret_size) {
        size_t nh = 0;
        while (hwcaps && hwcaps[nh])
                nh++;
        size_t strings = 48 + n * 24, slen = 0;
        char str[8192];
        size_t key_off[64], val_off[64], hw_off[8];
        for (size_t i = 0; i < n; i++) {
                key_off[i] = strings + slen;
                strcpy(str + slen, e[i].key);
                slen += strlen(e[i].key) + 1;
                val_off[i] = strings + slen;
                strcpy(str + slen, e[i].value);
                slen += strlen(e[i].value) + 1;
        }
        for (size_t i = 0; i < nh; i++) {
                hw_off[i] = strings + slen;
                strcpy(str + slen, hwcaps[i]);
                slen += strlen(hwcaps[i]) + 1;
        }
        size_t ext = (strings + slen + 3) & ~(size_t) 3;
        size_t hw_array = ext + 8 + 16;
        size_t size = nh ? hw_array + nh * 4 : ext;
        uint8_t *b = calloc(1, size);
        memcpy(b, "glibc-ld.so.cache1.1", 20);
        craft_put(b + 20, n, 4, msb);
        craft_put(b + 24, slen, 4, msb);
        b[28] = msb ? 3 : 2;
        craft_put(b + 32, nh ? ext : 0, 4, msb);
        for (size_t i = 0; i < n; i++) {
                uint8_t *x = b + 48 + i * 24;
                craft_put(x, (uint32_t) e[i].flags, 4, msb);
                craft_put(x + 4, key_off[i], 4, msb);
                craft_put(x + 8, val_off[i], 4, msb);
                if (e[i].hwcaps >= 0)
                        craft_put(x + 16, (1ULL << 62) | (uint64_t) e[i].hwcaps, 8, msb);
        }
        memcpy(b + strings, str, slen);
        if (nh) {
                craft_put(b + ext, 0xeaa42174u, 4, msb);
                craft_put(b + ext + 4, 1, 4, msb);
                craft_put(b + ext + 8, 1, 4, msb); /* tag glibc-hwcaps */
                craft_put(b + ext + 16, hw_array, 4, msb);
                craft_put(b + ext + 20, nh * 4, 4, msb);
                for (size_t i = 0; i < nh; i++)
                        craft_put(b + hw_array + i * 4, hw_off[i], 4, msb);
        }
        *ret_size = size;
        return b;
}
