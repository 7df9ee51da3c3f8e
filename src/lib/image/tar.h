/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* tar: a reproducible writer and a reader that never trusts a header.
 *
 * The writer produces POSIX ustar headers, with pax extended headers for
 * what ustar cannot hold (long names and link names, big sizes and ids,
 * extended attributes).  uname/gname are empty; a pax header's own name is
 * "PaxHeaders.0/<base name>".  hull_tar_write_dir() walks a directory and
 * writes it in a fixed order (depth first, names sorted bytewise).
 *
 * The reader accepts ustar, pax ('x', 'g') and GNU ('L', 'K') archives and
 * checks every field: checksums, numbers (octal or base-256, overflow),
 * pax record lengths, name lengths, sizes of metadata entries (at most
 * 1 MiB), NUL bytes in names.  Paths are returned as written in the archive:
 * making them safe is unpack.c's job. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stream.h"
#include "util/error.h"

#define HULL_TAR_BLOCK 512
#define HULL_TAR_META_MAX (1u << 20)

typedef enum hull_tar_type {
        HULL_TAR_REG = '0',
        HULL_TAR_LINK = '1',
        HULL_TAR_SYMLINK = '2',
        HULL_TAR_CHAR = '3',
        HULL_TAR_BLOCK_DEV = '4',
        HULL_TAR_DIR = '5',
        HULL_TAR_FIFO = '6',
} hull_tar_type;

typedef struct hull_tar_xattr {
        char *name;   /* "security.capability" */
        char *value;  /* binary */
        size_t len;
} hull_tar_xattr;

typedef struct hull_tar_entry {
        char *path;       /* as in the archive; a directory may end in '/' */
        char *linkname;   /* symlink target or hardlink target; "" otherwise */
        hull_tar_type type;
        uint32_t mode;    /* permission bits and setuid/setgid/sticky: 07777 */
        uint64_t uid, gid;
        int64_t mtime;
        uint64_t size;    /* data bytes that follow (0 for every type but REG) */
        uint32_t devmajor, devminor;
        hull_tar_xattr *xattrs;
        size_t n_xattrs;
} hull_tar_entry;

/* ---- writer ---- */

typedef struct hull_tar_writer hull_tar_writer;

/* Writes into out (not owned).  Returns NULL when out of memory. */
hull_tar_writer *hull_tar_writer_new(hull_ostream *out);
void hull_tar_writer_free(hull_tar_writer *w);
static inline void hull_tar_writer_freep(hull_tar_writer **w) {
        hull_tar_writer_free(*w);
}
#define _cleanup_tar_writer_ __attribute__((cleanup(hull_tar_writer_freep)))

/* Writes one header; for REG entries exactly e->size bytes must follow through
 * hull_tar_write_data().  Directories get a trailing '/'.  xattrs are written
 * in the order given.  Returns 0 or a negative value with *err set. */
int hull_tar_write_header(hull_tar_writer *w, const hull_tar_entry *e, hull_error **err);
int hull_tar_write_data(hull_tar_writer *w, const void *buf, size_t len, hull_error **err);
/* Pads the last entry and writes the two zero blocks that end an archive. */
int hull_tar_writer_finish(hull_tar_writer *w, hull_error **err);

/* A regular file of another tree written into the archive as if it were in
 * the directory being archived, without a copy there (hull build's host
 * files).  Written as a file created by uid:gid with the host file's mode
 * (07777) and data, mtime `mtime` (clamped like the rest), no extended
 * attributes, never a hardlink.  A real entry of the directory with the
 * same path wins: it is what a later step wrote there. */
typedef struct hull_tar_graft {
        const char *path;      /* in the archive, relative: "usr/lib/x86_64-linux-gnu/libc.so.6" */
        int hostfd;            /* the tree it is read from */
        const char *host_path; /* inside hostfd's tree (openat2 RESOLVE_IN_ROOT, the last component not followed) */
        uint64_t uid, gid;     /* recorded when keep_owner */
        int64_t mtime;
} hull_tar_graft;

typedef struct hull_tar_dir_opts {
        /* Every mtime is clamped to [0, mtime_max] (SOURCE_DATE_EPOCH, or 0). */
        int64_t mtime_max;
        /* Keep files' uids and gids; otherwise every entry is owned by 0:0. */
        bool keep_owner;
        /* Record overlayfs whiteouts as OCI ones: a 0:0 character device NAME
         * becomes ".wh.NAME", a directory with trusted.overlay.opaque=y (or
         * user.overlay.opaque=y) gets a ".wh..wh..opq" entry.  For layers made
         * from an overlay upper directory. */
        bool overlay_whiteouts;
        /* Called with the bytes of file data read so far (may be NULL). */
        void (*progress)(void *userdata, uint64_t bytes);
        void *userdata;
        /* Files merged into the directories of the tree (any order; a path
         * given twice is written once).  A graft whose directory is not in
         * the tree is left out. */
        const hull_tar_graft *grafts;
        size_t n_grafts;
} hull_tar_dir_opts;

/* Writes the tree below dirfd (not the directory itself) in a reproducible
 * order: depth first, names sorted bytewise, a directory before what it
 * holds.  Hardlinks are found by (device, inode): the first path in that
 * order is the file, the others link to it.  Symlinks are never followed,
 * mount points never crossed (a mount point is recorded as an empty
 * directory), sockets skipped.  Extended attributes kept: security.capability
 * and user.*.  Returns 0 or a negative value with *err set. */
int hull_tar_write_dir(hull_tar_writer *w, int dirfd, const hull_tar_dir_opts *o, hull_error **err);

/* ---- reader ---- */

typedef struct hull_tar_reader hull_tar_reader;

/* Reads from in (not owned).  `what` names the archive in errors.
 * Returns NULL when out of memory. */
hull_tar_reader *hull_tar_reader_new(hull_istream *in, const char *what);
void hull_tar_reader_free(hull_tar_reader *r);
static inline void hull_tar_reader_freep(hull_tar_reader **r) {
        hull_tar_reader_free(*r);
}
#define _cleanup_tar_reader_ __attribute__((cleanup(hull_tar_reader_freep)))

/* Moves to the next entry, skipping the rest of the current one's data.
 * Returns 1 and points *ret at the entry (owned by the reader, valid until
 * the next call), 0 at the end of the archive, or a negative value with *err
 * set (errors name the entry number, its offset and its path). */
int hull_tar_next(hull_tar_reader *r, const hull_tar_entry **ret, hull_error **err);

/* Reads the current entry's data: returns bytes read, 0 at its end, or a
 * negative value with *err set. */
ssize_t hull_tar_read(hull_tar_reader *r, void *buf, size_t len, hull_error **err);

/* "entry 3 (\"etc/passwd\") at offset 1536": for messages; owned by r. */
const char *hull_tar_where(hull_tar_reader *r);
