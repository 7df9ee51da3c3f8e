/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* An ELF reader for the dependency closure: ELF32 and ELF64 in either byte
 * order, from a memory buffer or from an fd (pread of the few ranges it
 * needs, so a 500 MB library costs a few KB of reads).  Nothing in the file
 * is trusted: every offset, size and count is checked against the file and
 * against limits before it is used, and every error names the file and the
 * byte offset it is about.
 *
 * It reads the ELF header, the program headers (PT_INTERP, PT_DYNAMIC,
 * PT_LOAD for address translation) and the dynamic section (DT_NEEDED,
 * DT_SONAME, DT_RPATH, DT_RUNPATH, DT_FLAGS, DT_FLAGS_1); with
 * HULL_ELF_PARSE_SYMBOLS also the undefined dynamic symbols that make glibc
 * dlopen a library behind the program's back.
 *
 * #! scripts are recognised here too (hull_script_parse), the way the
 * kernel's binfmt_script reads them. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef enum hull_elf_kind {
        HULL_ELF_KIND_PROGRAM,    /* has PT_INTERP: a dynamically linked program (libc.so.6 is one too) */
        HULL_ELF_KIND_LIBRARY,    /* ET_DYN without PT_INTERP: a shared library (or ld.so itself) */
        HULL_ELF_KIND_STATIC,     /* ET_EXEC without PT_INTERP: the kernel runs it on its own */
        HULL_ELF_KIND_STATIC_PIE, /* ET_DYN without PT_INTERP, DF_1_PIE: relocates itself */
        HULL_ELF_KIND_OBJECT,     /* ET_REL, ET_CORE, or no program headers: nothing that loads */
        _HULL_ELF_KIND_MAX,
} hull_elf_kind;

/* Undefined dynamic symbols after which glibc dlopens libgcc_s.so.1 (its
 * unwinder): pthread_cancel, pthread_exit, thrd_exit, backtrace. */
#define HULL_ELF_IMPORTS_UNWIND 1u

/* hull_elf_parse_* flags */
#define HULL_ELF_PARSE_SYMBOLS 1u /* also scan the dynamic symbol table (fills `imports`) */

/* Limits past which a file is rejected as absurd (no real file comes close). */
#define HULL_ELF_MAX_PHDR_BYTES 65536u       /* the kernel's own limit (fs/binfmt_elf.c) */
#define HULL_ELF_MAX_DYNAMIC 65536u          /* entries in PT_DYNAMIC */
#define HULL_ELF_MAX_NEEDED 4096u            /* DT_NEEDED entries */
#define HULL_ELF_MAX_STRTAB (64u << 20)      /* bytes of DT_STRTAB read */
#define HULL_ELF_MAX_SYMBOLS (4u << 20)      /* dynamic symbols scanned */

typedef struct hull_elf {
        uint8_t elf_class; /* ELFCLASS32 or ELFCLASS64 */
        uint8_t data;      /* ELFDATA2LSB or ELFDATA2MSB */
        uint8_t osabi;     /* e_ident[EI_OSABI] */
        uint16_t type;     /* e_type */
        uint16_t machine;  /* e_machine */
        uint32_t e_flags;
        hull_elf_kind kind;
        bool has_dynamic;  /* PT_DYNAMIC present */
        char *interp;      /* PT_INTERP, or NULL */
        char *soname;      /* DT_SONAME, or NULL */
        char *rpath;       /* DT_RPATH as written, or NULL (the resolver ignores it when runpath is set) */
        char *runpath;     /* DT_RUNPATH as written, or NULL */
        char **needed;     /* DT_NEEDED in file order; never NULL */
        uint64_t flags;    /* DT_FLAGS */
        uint64_t flags_1;  /* DT_FLAGS_1 (DF_1_PIE, DF_1_NODEFLIB...) */
        unsigned imports;  /* HULL_ELF_IMPORTS_* (only with HULL_ELF_PARSE_SYMBOLS) */
} hull_elf;

/* Parses an ELF image in memory; `name` is used in messages.  Returns 0 and
 * *ret (owned by the caller: hull_elf_free), or a negative value with *err
 * set: -ENOEXEC when the data is not ELF at all, -EINVAL when it is a broken
 * or absurd ELF file.  Never reads outside [buf, buf + size). */
int hull_elf_parse_buffer(const void *buf, size_t size, const char *name, unsigned flags, hull_elf **ret,
                          hull_error **err);

/* The same from an open file (any offset; it uses pread).  Also fails with
 * the read error (-EIO...). */
int hull_elf_parse_fd(int fd, const char *name, unsigned flags, hull_elf **ret, hull_error **err);

/* A deep copy; NULL when out of memory.  Owned by the caller. */
hull_elf *hull_elf_dup(const hull_elf *e);

void hull_elf_free(hull_elf *e);
static inline void hull_elf_freep(hull_elf **e) {
        if (*e) {
                hull_elf_free(*e);
                *e = NULL;
        }
}
#define _cleanup_elf_ __attribute__((cleanup(hull_elf_freep)))

/* Reads just e_ident and e_machine (what ld.so compares before it loads a
 * candidate).  Returns 0, -ENOEXEC (not ELF, or an unknown class or byte
 * order) or -errno.  A leaf helper. */
int hull_elf_read_ident_fd(int fd, uint8_t *ret_class, uint8_t *ret_data, uint16_t *ret_machine);

/* "x86_64", "i386", "aarch64"... or NULL for a machine without a name here. */
const char *hull_elf_machine_name(uint16_t machine);
/* "program", "library", "static", "static-pie", "object". */
const char *hull_elf_kind_name(hull_elf_kind kind);
/* What ld.so calls $PLATFORM for this class and machine (AT_PLATFORM): "x86_64",
 * "i686", "aarch64"...; NULL when unknown. */
const char *hull_elf_platform(uint8_t elf_class, uint16_t machine);

/* The kernel reads this much of a file to find a #! line (BINPRM_BUF_SIZE). */
#define HULL_SCRIPT_BUF_SIZE 256

/* A #! line: what the kernel runs instead of the script. */
typedef struct hull_script {
        char *interp;           /* the interpreter's path as written */
        unsigned interp_column; /* 1-based byte column of interp on line 1 */
        char *arg;              /* the optional argument (one string, may hold blanks), or NULL */
        unsigned arg_column;
} hull_script;

/* Parses a #! line like fs/binfmt_script.c: the interpreter is the first word
 * after "#!" (spaces and tabs skipped), the optional argument is the rest of
 * the line with trailing blanks removed; a line that does not end within the
 * first 256 bytes must still end the interpreter's name there.
 * Returns 1 and fills *ret (strings owned by the caller: hull_script_done)
 * for a script, 0 when the data does not start with "#!", or -ENOEXEC with
 * *err naming "name:1:column". */
int hull_script_parse(const void *buf, size_t size, const char *name, hull_script *ret, hull_error **err);
void hull_script_done(hull_script *s);
