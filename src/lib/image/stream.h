/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Byte streams that the image code chains together:
 *
 *   tar writer -> digest (diff_id) -> compressor -> digest (blob) -> file
 *   file -> digest (blob) -> decompressor -> digest (diff_id) -> tar reader
 *
 * A filter never owns the stream below it: the caller frees every stage,
 * innermost last.  Errors name what the stream is ("layer sha256:...").
 * stream.c: fd, memory and digest stages; compress.c: gzip and zstd. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "digest.h"
#include "util/error.h"

typedef struct hull_ostream hull_ostream;
struct hull_ostream {
        /* Writes all of buf.  Returns 0 or a negative value with *err set. */
        int (*write)(hull_ostream *s, const void *buf, size_t len, hull_error **err);
        /* Flushes what the stage buffers (a compressor's trailer) into the
         * stage below; no write may follow.  NULL: nothing to flush. */
        int (*finish)(hull_ostream *s, hull_error **err);
        void (*free)(hull_ostream *s);
};

typedef struct hull_istream hull_istream;
struct hull_istream {
        /* Reads up to len bytes.  Returns the number read, 0 at the end, or a
         * negative value with *err set. */
        ssize_t (*read)(hull_istream *s, void *buf, size_t len, hull_error **err);
        void (*free)(hull_istream *s);
};

static inline int hull_ostream_write(hull_ostream *s, const void *buf, size_t len, hull_error **err) {
        return len ? s->write(s, buf, len, err) : 0;
}
static inline int hull_ostream_finish(hull_ostream *s, hull_error **err) {
        return s->finish ? s->finish(s, err) : 0;
}
static inline void hull_ostream_free(hull_ostream *s) {
        if (s)
                s->free(s);
}
static inline void hull_ostream_freep(hull_ostream **s) {
        hull_ostream_free(*s);
}
static inline ssize_t hull_istream_read(hull_istream *s, void *buf, size_t len, hull_error **err) {
        return s->read(s, buf, len, err);
}
static inline void hull_istream_free(hull_istream *s) {
        if (s)
                s->free(s);
}
static inline void hull_istream_freep(hull_istream **s) {
        hull_istream_free(*s);
}
#define _cleanup_ostream_ __attribute__((cleanup(hull_ostream_freep)))
#define _cleanup_istream_ __attribute__((cleanup(hull_istream_freep)))

/* Reads exactly len bytes; a short stream is an error naming `what`.
 * Returns 0 or a negative value with *err set. */
int hull_istream_read_full(hull_istream *s, void *buf, size_t len, const char *what, hull_error **err);
/* Reads and discards len bytes (same errors). */
int hull_istream_skip(hull_istream *s, uint64_t len, const char *what, hull_error **err);
/* Copies everything from in to out.  Returns 0 or a negative value. */
int hull_stream_copy(hull_istream *in, hull_ostream *out, hull_error **err);

/* Writes to fd (not owned).  Every write goes through the fault-injection
 * table (HULL_SYS_WRITE_FILE, "write_file:N:ENOSPC"), so tests can fill the
 * disk at any point.  `what` (copied) names the file in errors.
 * Returns NULL when out of memory. */
hull_ostream *hull_ostream_fd_new(int fd, const char *what);

/* Collects everything in memory.  hull_ostream_mem_data() returns the bytes
 * written so far (owned by the stream). */
hull_ostream *hull_ostream_mem_new(void);
const void *hull_ostream_mem_data(hull_ostream *s, size_t *ret_len);

/* Hashes and counts what passes through on its way to next (NULL: discard). */
hull_ostream *hull_ostream_digest_new(hull_ostream *next);
/* The digest and size of everything written so far. */
void hull_ostream_digest_get(hull_ostream *s, char ret[HULL_DIGEST_BUF], uint64_t *ret_size);

/* Reads from fd (not owned); `what` (copied) names it in errors. */
hull_istream *hull_istream_fd_new(int fd, const char *what);
/* Reads from a buffer (not copied: it must outlive the stream). */
hull_istream *hull_istream_mem_new(const void *data, size_t len);
/* Hashes and counts what is read through it. */
hull_istream *hull_istream_digest_new(hull_istream *next);
void hull_istream_digest_get(hull_istream *s, char ret[HULL_DIGEST_BUF], uint64_t *ret_size);

/* Reads inner ahead on a thread of its own into n_bufs buffers of buf_size
 * bytes (0, 0: 4 x 256 KiB), so that the work of inner and of the stages
 * below it (reading, hashing, decompressing) overlaps with the caller's.
 * Reads return the same bytes as inner would, then its end or its error
 * (again on every later read).  inner is not owned and is used only by the
 * thread until a read has returned 0 or an error, or the stream is freed;
 * inner's read must return (not block forever).  Freeing stops and joins the
 * thread at any point: what it read ahead is dropped, though stages below
 * (a digest) have seen it.  Returns NULL with errno set on failure. */
hull_istream *hull_istream_prefetch_new(hull_istream *inner, unsigned n_bufs, size_t buf_size);

/* Compression (compress.c). */
typedef enum hull_compression {
        HULL_COMPRESSION_GZIP,
        HULL_COMPRESSION_ZSTD,
        HULL_COMPRESSION_NONE,
        _HULL_COMPRESSION_MAX,
        HULL_COMPRESSION_AUTO = -1, /* decompression only: from the magic bytes */
} hull_compression;

/* "gzip", "zstd", "none" (also "uncompressed"); -1 if unknown. */
int hull_compression_from_name(const char *name);
const char *hull_compression_name(hull_compression c);

/* A compressor writing to next.  The output is a function of the input and
 * the level only -- never of the thread count or of how writes are split --
 * so layers are reproducible on any machine:
 *   gzip: every fixed 1 MiB block a gzip member of its own (libdeflate),
 *         no name, mtime 0, OS "unknown"; blocks are deflated on `threads`
 *         threads once the input passes one block; levels 1-12;
 *   zstd: libzstd with at least one worker (its output does not depend on
 *         the worker count), checksum on.
 * level 0 = the default (6 for gzip, 3 for zstd); threads 0 = online CPUs.
 * HULL_COMPRESSION_NONE returns a pass-through stage.
 * Returns 0 or a negative value with *err set. */
int hull_ostream_compress_new(hull_ostream *next, hull_compression c, int level, unsigned threads,
                              hull_ostream **ret, hull_error **err);

/* A decompressor reading from next; HULL_COMPRESSION_AUTO detects gzip
 * (1f 8b), zstd (28 b5 2f fd) or plain data from the first bytes and refuses
 * bzip2 and xz.  `what` names the stream in errors ("layer sha256:...").
 * Returns 0 or a negative value with *err set. */
int hull_istream_decompress_new(hull_istream *next, hull_compression c, const char *what, hull_istream **ret,
                                hull_error **err);
