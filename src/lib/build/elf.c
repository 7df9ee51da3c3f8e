/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ELF reader (see elf.h).  Fields are read at their offsets with the
 * file's byte order, never by casting the file to a struct: the same code
 * reads ELF32 and ELF64, LSB and MSB, on any host. */
#include "elf.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/strv.h"


/* Where the bytes come from: a buffer or an fd; plus what is known so far. */
typedef struct src {
        const uint8_t *mem; /* the buffer, or NULL to pread from fd */
        int fd;
        uint64_t size;
        const char *name;
        hull_error **err;
        bool msb;
        bool is64;
} src;

static int bad(src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(src *s, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hull_error_set_raw(s->err, EINVAL, "%s: %s", s->name, msg);
}

/* Copies [off, off + len) of the file into buf, or fails naming `what`. */
static int src_read(src *s, uint64_t off, uint64_t len, void *buf, const char *what) {
        if (off > s->size || len > s->size - off)
                return bad(s, "%s (offset %#" PRIx64 ", %" PRIu64 " bytes) runs past the end of the file (%" PRIu64
                           " bytes)",
                           what, off, len, s->size);
        if (s->mem) {
                memcpy(buf, s->mem + off, len);
                return 0;
        }
        uint64_t done = 0;
        while (done < len) {
                ssize_t n = pread(s->fd, (uint8_t *) buf + done, len - done, (off_t) (off + done));
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return hull_error_set(s->err, errno, "%s: read %s at offset %#" PRIx64, s->name, what,
                                              off + done);
                }
                if (n == 0)
                        return bad(s, "%s at offset %#" PRIx64 ": the file shrank while it was read", what, off + done);
                done += (uint64_t) n;
        }
        return 0;
}

static uint16_t g16(const src *s, const uint8_t *p) {
        return s->msb ? (uint16_t) (p[0] << 8 | p[1]) : (uint16_t) (p[1] << 8 | p[0]);
}

static uint32_t g32(const src *s, const uint8_t *p) {
        return s->msb ? (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3]
                      : (uint32_t) p[3] << 24 | (uint32_t) p[2] << 16 | (uint32_t) p[1] << 8 | p[0];
}

static uint64_t g64(const src *s, const uint8_t *p) {
        uint64_t hi = g32(s, p + (s->msb ? 0 : 4)), lo = g32(s, p + (s->msb ? 4 : 0));
        return hi << 32 | lo;
}

/* A word: 4 bytes in ELF32, 8 in ELF64. */
static uint64_t gword(const src *s, const uint8_t *p) {
        return s->is64 ? g64(s, p) : g32(s, p);
}

typedef struct segment {
        uint64_t vaddr, offset, filesz;
} segment;

/* Translates a virtual address to a file offset through the PT_LOAD
 * segments; *ret_avail is how many bytes of the segment follow it in the
 * file.  Returns 0, or -1 when no segment holds the address in its file part. */
static int vaddr_to_offset(const segment *l, size_t n, uint64_t addr, uint64_t *ret_off, uint64_t *ret_avail) {
        for (size_t i = 0; i < n; i++) {
                if (addr < l[i].vaddr)
                        continue;
                uint64_t delta = addr - l[i].vaddr;
                if (delta >= l[i].filesz || l[i].offset > UINT64_MAX - delta)
                        continue;
                *ret_off = l[i].offset + delta;
                *ret_avail = l[i].filesz - delta;
                return 0;
        }
        return -1;
}

/* The dynamic string table, read once. */
typedef struct strtab {
        const char *data; /* points into mem, or into `owned` */
        char *owned;
        uint64_t size;
        uint64_t offset;  /* file offset, for messages */
} strtab;

static int strtab_load(src *s, const segment *loads, size_t n_loads, uint64_t addr, bool have_size, uint64_t size,
                       strtab *ret) {
        uint64_t off, avail;
        if (vaddr_to_offset(loads, n_loads, addr, &off, &avail) < 0)
                return bad(s, "DT_STRTAB address %#" PRIx64 " is not in the file part of any PT_LOAD segment", addr);
        if (!have_size)
                size = avail; /* no DT_STRSZ: the rest of the segment bounds it */
        if (size > HULL_ELF_MAX_STRTAB)
                return bad(s, "DT_STRSZ %#" PRIx64 " is absurd (more than %u MiB)", size, HULL_ELF_MAX_STRTAB >> 20);
        if (off > s->size || size > s->size - off)
                return bad(s, "DT_STRTAB (offset %#" PRIx64 ", %" PRIu64 " bytes) runs past the end of the file (%" PRIu64
                           " bytes)",
                           off, size, s->size);
        ret->size = size;
        ret->offset = off;
        if (s->mem) {
                ret->data = (const char *) s->mem + off;
                return 0;
        }
        ret->owned = malloc(size ? size : 1);
        if (!ret->owned)
                return hull_error_set(s->err, ENOMEM, "%s: read DT_STRTAB", s->name);
        ret->data = ret->owned;
        return src_read(s, off, size, ret->owned, "DT_STRTAB");
}

/* Returns a pointer to the NUL-terminated string at `index` of the table,
 * or NULL after failing with *err (the string must end inside the table). */
static const char *strtab_get(src *s, const strtab *t, uint64_t index, const char *what) {
        if (index >= t->size) {
                bad(s, "%s: string offset %#" PRIx64 " is outside DT_STRTAB (%" PRIu64 " bytes)", what, index, t->size);
                return NULL;
        }
        const char *p = t->data + index;
        if (!memchr(p, 0, t->size - index)) {
                bad(s, "%s: the string at DT_STRTAB offset %#" PRIx64 " is not NUL-terminated within DT_STRSZ", what,
                    index);
                return NULL;
        }
        return p;
}

static int dup_str(src *s, const strtab *t, uint64_t index, const char *what, char **ret) {
        const char *p = strtab_get(s, t, index, what);
        if (!p)
                return -EINVAL;
        char *c = strdup(p);
        if (!c)
                return hull_error_set(s->err, ENOMEM, "%s: %s", s->name, what);
        free(*ret);
        *ret = c;
        return 0;
}

/* The number of dynamic symbols, from DT_GNU_HASH or DT_HASH; 0 when
 * neither can be read (the scan is then skipped, never guessed). */
static int count_symbols(src *s, const segment *loads, size_t n_loads, bool have_gnu, uint64_t gnu_hash,
                         bool have_hash, uint64_t hash, uint64_t *ret) {
        uint64_t off, avail;
        *ret = 0;
        if (have_gnu && vaddr_to_offset(loads, n_loads, gnu_hash, &off, &avail) == 0) {
                uint8_t h[16];
                int r = src_read(s, off, sizeof(h), h, "DT_GNU_HASH header");
                if (r < 0)
                        return r;
                uint64_t nbuckets = g32(s, h), symoffset = g32(s, h + 4), bloom = g32(s, h + 8);
                if (nbuckets == 0)
                        return 0;
                if (nbuckets > HULL_ELF_MAX_SYMBOLS || bloom > HULL_ELF_MAX_SYMBOLS)
                        return bad(s, "DT_GNU_HASH at offset %#" PRIx64 " has absurd sizes (%" PRIu64 " buckets, %" PRIu64
                                   " bloom words)",
                                   off, nbuckets, bloom);
                uint64_t buckets_off = off + 16 + bloom * (s->is64 ? 8 : 4);
                _cleanup_free_ uint8_t *b = malloc(nbuckets * 4);
                if (!b)
                        return hull_error_set(s->err, ENOMEM, "%s: read DT_GNU_HASH", s->name);
                r = src_read(s, buckets_off, nbuckets * 4, b, "DT_GNU_HASH buckets");
                if (r < 0)
                        return r;
                uint64_t max = 0;
                for (uint64_t i = 0; i < nbuckets; i++)
                        if (g32(s, b + i * 4) > max)
                                max = g32(s, b + i * 4);
                if (max < symoffset) {
                        *ret = symoffset;
                        return 0;
                }
                uint64_t chains_off = buckets_off + nbuckets * 4;
                for (uint64_t i = max;; i++) {
                        if (i >= HULL_ELF_MAX_SYMBOLS)
                                return bad(s, "DT_GNU_HASH at offset %#" PRIx64 ": a chain runs past %u symbols", off,
                                           HULL_ELF_MAX_SYMBOLS);
                        uint8_t w[4];
                        r = src_read(s, chains_off + (i - symoffset) * 4, 4, w, "DT_GNU_HASH chain");
                        if (r < 0)
                                return r;
                        if (g32(s, w) & 1) {
                                *ret = i + 1;
                                return 0;
                        }
                }
        }
        if (have_hash && vaddr_to_offset(loads, n_loads, hash, &off, &avail) == 0) {
                uint8_t h[8];
                int r = src_read(s, off, sizeof(h), h, "DT_HASH header");
                if (r < 0)
                        return r;
                *ret = g32(s, h + 4); /* nchain == number of symbols */
                if (*ret > HULL_ELF_MAX_SYMBOLS)
                        return bad(s, "DT_HASH at offset %#" PRIx64 " claims %" PRIu64 " symbols", off, *ret);
        }
        return 0;
}

static const char *const unwind_symbols[] = { "pthread_cancel", "pthread_exit", "thrd_exit", "backtrace" };

static int scan_symbols(src *s, hull_elf *e, const segment *loads, size_t n_loads, const strtab *st, uint64_t symtab,
                        uint64_t syment, uint64_t count) {
        size_t esz = s->is64 ? 24 : 16;
        if (count == 0)
                return 0;
        if (syment != esz)
                return bad(s, "DT_SYMENT is %" PRIu64 ", expected %zu", syment, esz);
        uint64_t off, avail;
        if (vaddr_to_offset(loads, n_loads, symtab, &off, &avail) < 0)
                return bad(s, "DT_SYMTAB address %#" PRIx64 " is not in the file part of any PT_LOAD segment", symtab);
        /* Read in slices so that a huge table costs bounded memory. */
        uint8_t buf[24 * 512];
        for (uint64_t i = 0; i < count; i += 512) {
                uint64_t k = count - i < 512 ? count - i : 512;
                int r = src_read(s, off + i * esz, k * esz, buf, "DT_SYMTAB");
                if (r < 0)
                        return r;
                for (uint64_t j = 0; j < k; j++) {
                        const uint8_t *sym = buf + j * esz;
                        uint32_t name = g32(s, sym);
                        uint16_t shndx = g16(s, sym + (s->is64 ? 6 : 14));
                        if (shndx != SHN_UNDEF || name == 0 || name >= st->size)
                                continue;
                        const char *n = st->data + name;
                        if (!memchr(n, 0, st->size - name))
                                continue;
                        for (size_t u = 0; u < ELEMENTSOF(unwind_symbols); u++)
                                if (strcmp(n, unwind_symbols[u]) == 0)
                                        e->imports |= HULL_ELF_IMPORTS_UNWIND;
                }
        }
        return 0;
}

static int parse_dynamic(src *s, hull_elf *e, uint64_t off, uint64_t filesz, const segment *loads, size_t n_loads,
                         unsigned flags) {
        size_t esz = s->is64 ? 16 : 8;
        uint64_t n = filesz / esz;
        if (n > HULL_ELF_MAX_DYNAMIC)
                return bad(s, "PT_DYNAMIC at offset %#" PRIx64 " is absurdly large (%" PRIu64 " entries)", off, n);
        _cleanup_free_ uint8_t *dyn = malloc(n * esz + 1);
        if (!dyn)
                return hull_error_set(s->err, ENOMEM, "%s: read PT_DYNAMIC", s->name);
        int r = src_read(s, off, n * esz, dyn, "PT_DYNAMIC");
        if (r < 0)
                return r;

        uint64_t strtab_addr = 0, strsz = 0, soname = 0, rpath = 0, runpath = 0;
        uint64_t symtab = 0, syment = 0, hash = 0, gnu_hash = 0;
        bool have_strtab = false, have_strsz = false, have_soname = false, have_rpath = false, have_runpath = false;
        bool have_symtab = false, have_hash = false, have_gnu_hash = false;
        _cleanup_free_ uint64_t *needed = NULL;
        size_t n_needed = 0;
        for (uint64_t i = 0; i < n; i++) {
                const uint8_t *d = dyn + i * esz;
                int64_t tag = s->is64 ? (int64_t) g64(s, d) : (int32_t) g32(s, d);
                uint64_t val = gword(s, d + (s->is64 ? 8 : 4));
                if (tag == DT_NULL)
                        break;
                switch (tag) {
                case DT_NEEDED:
                        if (n_needed >= HULL_ELF_MAX_NEEDED)
                                return bad(s, "more than %u DT_NEEDED entries", HULL_ELF_MAX_NEEDED);
                        if (n_needed % 64 == 0) {
                                uint64_t *nn = realloc(needed, (n_needed + 64) * sizeof(*nn));
                                if (!nn)
                                        return hull_error_set(s->err, ENOMEM, "%s: read DT_NEEDED", s->name);
                                needed = nn;
                        }
                        needed[n_needed++] = val;
                        break;
                case DT_STRTAB: strtab_addr = val; have_strtab = true; break;
                case DT_STRSZ: strsz = val; have_strsz = true; break;
                case DT_SONAME: soname = val; have_soname = true; break;
                case DT_RPATH: rpath = val; have_rpath = true; break;
                case DT_RUNPATH: runpath = val; have_runpath = true; break;
                case DT_FLAGS: e->flags = val; break;
                case DT_FLAGS_1: e->flags_1 = val; break;
                case DT_SYMTAB: symtab = val; have_symtab = true; break;
                case DT_SYMENT: syment = val; break;
                case DT_HASH: hash = val; have_hash = true; break;
                case DT_GNU_HASH: gnu_hash = val; have_gnu_hash = true; break;
                default: break;
                }
        }

        bool want_symbols = (flags & HULL_ELF_PARSE_SYMBOLS) && have_symtab && (have_hash || have_gnu_hash);
        if (!n_needed && !have_soname && !have_rpath && !have_runpath && !want_symbols)
                return 0;
        if (!have_strtab)
                return bad(s, "PT_DYNAMIC at offset %#" PRIx64 " has string entries but no DT_STRTAB", off);
        _cleanup_free_ char *owned = NULL;
        strtab st = { 0 };
        r = strtab_load(s, loads, n_loads, strtab_addr, have_strsz, strsz, &st);
        owned = st.owned;
        if (r < 0)
                return r;

        char what[64];
        for (size_t i = 0; i < n_needed; i++) {
                snprintf(what, sizeof(what), "DT_NEEDED #%zu", i + 1);
                const char *p = strtab_get(s, &st, needed[i], what);
                if (!p)
                        return -EINVAL;
                if (!*p)
                        return bad(s, "%s is an empty name", what);
                if (hull_strv_push(&e->needed, p) < 0)
                        return hull_error_set(s->err, ENOMEM, "%s: %s", s->name, what);
        }
        if (have_soname && (r = dup_str(s, &st, soname, "DT_SONAME", &e->soname)) < 0)
                return r;
        if (have_rpath && (r = dup_str(s, &st, rpath, "DT_RPATH", &e->rpath)) < 0)
                return r;
        if (have_runpath && (r = dup_str(s, &st, runpath, "DT_RUNPATH", &e->runpath)) < 0)
                return r;
        if (want_symbols) {
                uint64_t count;
                r = count_symbols(s, loads, n_loads, have_gnu_hash, gnu_hash, have_hash, hash, &count);
                if (r < 0)
                        return r;
                r = scan_symbols(s, e, loads, n_loads, &st, symtab, syment, count);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_ident(src *s, uint8_t ident[EI_NIDENT]) {
        if (s->size < 4)
                return hull_error_set_raw(s->err, ENOEXEC, "%s: not an ELF file (%" PRIu64 " bytes)", s->name, s->size);
        int r = src_read(s, 0, s->size < EI_NIDENT ? s->size : EI_NIDENT, ident, "e_ident");
        if (r < 0)
                return r;
        if (memcmp(ident, ELFMAG, SELFMAG) != 0)
                return hull_error_set_raw(s->err, ENOEXEC, "%s: not an ELF file (no ELF magic)", s->name);
        if (s->size < EI_NIDENT)
                return bad(s, "truncated: %" PRIu64 " bytes, shorter than e_ident", s->size);
        if (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64)
                return bad(s, "offset 0x4: unknown ELF class %u", ident[EI_CLASS]);
        if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)
                return bad(s, "offset 0x5: unknown byte order %u", ident[EI_DATA]);
        if (ident[EI_VERSION] != EV_CURRENT)
                return bad(s, "offset 0x6: unknown ELF version %u", ident[EI_VERSION]);
        s->is64 = ident[EI_CLASS] == ELFCLASS64;
        s->msb = ident[EI_DATA] == ELFDATA2MSB;
        return 0;
}

/* With e_phnum == PN_XNUM the real count is in section header 0's sh_info. */
static int extended_phnum(src *s, uint64_t shoff, uint16_t shentsize, uint64_t *ret) {
        size_t want = s->is64 ? 64 : 40;
        if (shoff == 0)
                return bad(s, "e_phnum is PN_XNUM but there is no section header 0 to hold the count");
        if (shentsize != want)
                return bad(s, "e_shentsize is %u, expected %zu", shentsize, want);
        uint8_t sh[64];
        int r = src_read(s, shoff, want, sh, "section header 0");
        if (r < 0)
                return r;
        *ret = g32(s, sh + (s->is64 ? 44 : 28));
        return 0;
}

static int parse(src *s, unsigned flags, hull_elf **ret) {
        uint8_t ident[EI_NIDENT];
        int r = read_ident(s, ident);
        if (r < 0)
                return r;
        size_t ehsize = s->is64 ? 64 : 52;
        uint8_t eh[64];
        r = src_read(s, 0, ehsize, eh, "the ELF header");
        if (r < 0)
                return r;

        _cleanup_elf_ hull_elf *e = calloc(1, sizeof(*e));
        if (!e || !(e->needed = calloc(1, sizeof(char *))))
                return hull_error_set(s->err, ENOMEM, "%s", s->name);
        e->elf_class = ident[EI_CLASS];
        e->data = ident[EI_DATA];
        e->osabi = ident[EI_OSABI];
        e->type = g16(s, eh + 16);
        e->machine = g16(s, eh + 18);
        uint64_t phoff = s->is64 ? g64(s, eh + 32) : g32(s, eh + 28);
        uint64_t shoff = s->is64 ? g64(s, eh + 40) : g32(s, eh + 32);
        e->e_flags = g32(s, eh + (s->is64 ? 48 : 36));
        uint16_t phentsize = g16(s, eh + (s->is64 ? 54 : 42));
        uint64_t phnum = g16(s, eh + (s->is64 ? 56 : 44));
        uint16_t shentsize = g16(s, eh + (s->is64 ? 58 : 46));

        if (phnum == PN_XNUM && (r = extended_phnum(s, shoff, shentsize, &phnum)) < 0)
                return r;
        size_t phsize = s->is64 ? 56 : 32;
        if (phnum > 0 && phentsize != phsize)
                return bad(s, "e_phentsize is %u, expected %zu", phentsize, phsize);
        if (phnum * phsize > HULL_ELF_MAX_PHDR_BYTES)
                return bad(s, "e_phnum %" PRIu64 " is absurd (more than %u bytes of program headers)", phnum,
                           HULL_ELF_MAX_PHDR_BYTES);
        _cleanup_free_ uint8_t *ph = malloc(phnum * phsize + 1);
        if (!ph)
                return hull_error_set(s->err, ENOMEM, "%s", s->name);
        if (phnum > 0 && (r = src_read(s, phoff, phnum * phsize, ph, "the program headers")) < 0)
                return r;

        segment loads[64];
        size_t n_loads = 0;
        bool have_interp = false, have_dynamic = false;
        uint64_t interp_off = 0, interp_size = 0, dyn_off = 0, dyn_size = 0;
        for (uint64_t i = 0; i < phnum; i++) {
                const uint8_t *p = ph + i * phsize;
                uint32_t type = g32(s, p);
                uint64_t off = s->is64 ? g64(s, p + 8) : g32(s, p + 4);
                uint64_t vaddr = s->is64 ? g64(s, p + 16) : g32(s, p + 8);
                uint64_t filesz = s->is64 ? g64(s, p + 32) : g32(s, p + 16);
                if (type == PT_INTERP && !have_interp) {
                        have_interp = true;
                        interp_off = off;
                        interp_size = filesz;
                } else if (type == PT_DYNAMIC && !have_dynamic) {
                        have_dynamic = true;
                        dyn_off = off;
                        dyn_size = filesz;
                } else if (type == PT_LOAD) {
                        if (n_loads >= ELEMENTSOF(loads))
                                return bad(s, "more than %zu PT_LOAD segments", ELEMENTSOF(loads));
                        loads[n_loads++] = (segment){ vaddr, off, filesz };
                }
        }

        if (have_interp) {
                /* The kernel's rules: 2..PATH_MAX bytes, NUL-terminated. */
                if (interp_size < 2 || interp_size > 4096)
                        return bad(s, "PT_INTERP at offset %#" PRIx64 " has an absurd size (%" PRIu64 " bytes)", interp_off,
                                   interp_size);
                e->interp = malloc(interp_size);
                if (!e->interp)
                        return hull_error_set(s->err, ENOMEM, "%s", s->name);
                if ((r = src_read(s, interp_off, interp_size, e->interp, "PT_INTERP")) < 0)
                        return r;
                if (e->interp[interp_size - 1] != 0 || strlen(e->interp) == 0)
                        return bad(s, "PT_INTERP at offset %#" PRIx64 " is not a NUL-terminated path", interp_off);
        }
        e->has_dynamic = have_dynamic;
        if (have_dynamic && (r = parse_dynamic(s, e, dyn_off, dyn_size, loads, n_loads, flags)) < 0)
                return r;

        if ((e->type != ET_EXEC && e->type != ET_DYN) || phnum == 0)
                e->kind = HULL_ELF_KIND_OBJECT;
        else if (e->interp)
                e->kind = HULL_ELF_KIND_PROGRAM;
        else if (e->type == ET_EXEC)
                e->kind = HULL_ELF_KIND_STATIC;
        else if (e->flags_1 & DF_1_PIE)
                e->kind = HULL_ELF_KIND_STATIC_PIE;
        else
                e->kind = HULL_ELF_KIND_LIBRARY;
        *ret = TAKE_PTR(e);
        return 0;
}

int hull_elf_parse_buffer(const void *buf, size_t size, const char *name, unsigned flags, hull_elf **ret,
                          hull_error **err) {
        src s = { .mem = buf, .fd = -1, .size = size, .name = name, .err = err };
        static const uint8_t empty[1];
        if (!s.mem)
                s.mem = empty;
        return parse(&s, flags, ret);
}

int hull_elf_parse_fd(int fd, const char *name, unsigned flags, hull_elf **ret, hull_error **err) {
        struct stat st;
        if (fstat(fd, &st) < 0)
                return hull_error_set(err, errno, "stat %s", name);
        if (!S_ISREG(st.st_mode))
                return hull_error_set_raw(err, ENOEXEC, "%s: not a regular file", name);
        src s = { .fd = fd, .size = (uint64_t) st.st_size, .name = name, .err = err };
        return parse(&s, flags, ret);
}

hull_elf *hull_elf_dup(const hull_elf *e) {
        _cleanup_elf_ hull_elf *c = calloc(1, sizeof(*c));
        if (!c)
                return NULL;
        *c = *e;
        c->interp = c->soname = c->rpath = c->runpath = NULL;
        c->needed = hull_strv_copy(e->needed);
        if (!c->needed || (e->interp && !(c->interp = strdup(e->interp))) ||
            (e->soname && !(c->soname = strdup(e->soname))) || (e->rpath && !(c->rpath = strdup(e->rpath))) ||
            (e->runpath && !(c->runpath = strdup(e->runpath))))
                return NULL;
        return TAKE_PTR(c);
}

void hull_elf_free(hull_elf *e) {
        if (!e)
                return;
        free(e->interp);
        free(e->soname);
        free(e->rpath);
        free(e->runpath);
        hull_strv_free(e->needed);
        free(e);
}

int hull_elf_read_ident_fd(int fd, uint8_t *ret_class, uint8_t *ret_data, uint16_t *ret_machine) {
        uint8_t h[20];
        ssize_t n;
        do
                n = pread(fd, h, sizeof(h), 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if ((size_t) n < sizeof(h) || memcmp(h, ELFMAG, SELFMAG) != 0)
                return -ENOEXEC;
        if ((h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64) ||
            (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB))
                return -ENOEXEC;
        src s = { .msb = h[EI_DATA] == ELFDATA2MSB };
        *ret_class = h[EI_CLASS];
        *ret_data = h[EI_DATA];
        *ret_machine = g16(&s, h + 18);
        return 0;
}

const char *hull_elf_machine_name(uint16_t machine) {
        switch (machine) {
        case EM_386: return "i386";
        case EM_X86_64: return "x86_64";
        case EM_ARM: return "arm";
        case EM_AARCH64: return "aarch64";
        case EM_PPC: return "ppc";
        case EM_PPC64: return "ppc64";
        case EM_S390: return "s390";
        case EM_MIPS: return "mips";
        case EM_RISCV: return "riscv";
        case EM_SPARC: return "sparc";
        case EM_SPARCV9: return "sparc64";
        case EM_IA_64: return "ia64";
        case EM_LOONGARCH: return "loongarch";
        case EM_68K: return "m68k";
        case EM_SH: return "sh";
        case EM_PARISC: return "parisc";
        case EM_ALPHA: return "alpha";
        default: return NULL;
        }
}

const char *hull_elf_platform(uint8_t elf_class, uint16_t machine) {
        switch (machine) {
        case EM_386: return "i686";
        case EM_X86_64: return elf_class == ELFCLASS64 ? "x86_64" : NULL;
        case EM_AARCH64: return "aarch64";
        case EM_S390: return elf_class == ELFCLASS64 ? "s390x" : "s390";
        case EM_RISCV: return elf_class == ELFCLASS64 ? "riscv64" : "riscv32";
        case EM_LOONGARCH: return "loongarch";
        default: return NULL;
        }
}

const char *hull_elf_kind_name(hull_elf_kind kind) {
        static const char *const names[_HULL_ELF_KIND_MAX] = {
                [HULL_ELF_KIND_PROGRAM] = "program",       [HULL_ELF_KIND_LIBRARY] = "library",
                [HULL_ELF_KIND_STATIC] = "static",         [HULL_ELF_KIND_STATIC_PIE] = "static-pie",
                [HULL_ELF_KIND_OBJECT] = "object",
        };
        return (unsigned) kind < _HULL_ELF_KIND_MAX ? names[kind] : "unknown";
}

/* binfmt_script's helpers, on [first, last]. */
static bool spacetab(char c) {
        return c == ' ' || c == '\t';
}
static char *next_non_spacetab(char *first, const char *last) {
        for (; first <= last; first++)
                if (!spacetab(*first))
                        return first;
        return NULL;
}
static char *next_terminator(char *first, const char *last) {
        for (; first <= last; first++)
                if (spacetab(*first) || !*first)
                        return first;
        return NULL;
}

int hull_script_parse(const void *data, size_t size, const char *name, hull_script *ret, hull_error **err) {
        char buf[HULL_SCRIPT_BUF_SIZE] = { 0 };
        size_t n = size < sizeof(buf) ? size : sizeof(buf);
        if (n < 2 || memcmp(data, "#!", 2) != 0)
                return 0;
        memcpy(buf, data, n);
        char *buf_end = buf + sizeof(buf) - 1;
        char *i_end = memchr(buf, '\n', sizeof(buf));
        if (!i_end) {
                i_end = next_non_spacetab(buf + 2, buf_end);
                if (!i_end)
                        return hull_error_set_raw(err, ENOEXEC, "%s:1:3: the #! line holds no interpreter", name);
                if (!next_terminator(i_end, buf_end))
                        return hull_error_set_raw(err, ENOEXEC,
                                                  "%s:1:%td: the #! line is longer than %d bytes and cuts the "
                                                  "interpreter's name (the kernel refuses it)",
                                                  name, i_end - buf + 1, HULL_SCRIPT_BUF_SIZE);
                i_end = buf_end;
        }
        while (i_end > buf + 2 && spacetab(i_end[-1]))
                i_end--;
        char *i_name = next_non_spacetab(buf + 2, i_end);
        if (!i_name || i_name == i_end || !*i_name)
                return hull_error_set_raw(err, ENOEXEC, "%s:1:3: the #! line holds no interpreter", name);
        char *i_arg = NULL;
        char *i_sep = next_terminator(i_name, i_end);
        if (i_sep && *i_sep != 0)
                i_arg = next_non_spacetab(i_sep, i_end);
        *i_end = 0;
        if (i_sep)
                *i_sep = 0;
        hull_script s = { .interp_column = (unsigned) (i_name - buf + 1) };
        s.interp = strdup(i_name);
        if (i_arg && *i_arg) {
                s.arg = strdup(i_arg);
                s.arg_column = (unsigned) (i_arg - buf + 1);
                if (!s.arg) {
                        free(s.interp);
                        return hull_error_set(err, ENOMEM, "%s", name);
                }
        }
        if (!s.interp) {
                free(s.arg);
                return hull_error_set(err, ENOMEM, "%s", name);
        }
        *ret = s;
        return 1;
}

void hull_script_done(hull_script *s) {
        if (!s)
                return;
        free(s->interp);
        free(s->arg);
        s->interp = s->arg = NULL;
}
