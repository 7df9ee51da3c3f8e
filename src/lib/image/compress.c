/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gzip (libdeflate, zlib to read) and zstd (libzstd) stages for the image
 * streams (stream.h).
 *
 * Reproducibility comes first: the compressed bytes depend on the input and
 * the level only.  gzip input is cut into fixed 1 MiB blocks and each block
 * becomes a whole gzip member of its own (RFC 1952 2.2: a gzip file is a
 * series of members), deflated by libdeflate, which has no streaming API but
 * on layers is over twice as fast as zlib and compresses a little better.
 * Blocks go to worker threads and the result is the same whether one thread
 * or sixteen did the work.  Every gzip reader we know of reads all the
 * members: GNU gzip, Go's compress/gzip (containerd, skopeo, umoci, docker),
 * Python's gzip, pigz, zlib's gzread, and the decoder below; eStargz layers
 * rely on the same thing.  zstd gives the same guarantee itself for any
 * worker count >= 1. */
#include <errno.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "stream.h"
#include "util/cleanup.h"

#define GZ_BLOCK (1u << 20)
#define GZ_HEADER 10u
#define GZ_TRAILER 8u
#define MAX_THREADS 16u

int hull_compression_from_name(const char *name) {
        if (!name)
                return -1;
        if (strcmp(name, "gzip") == 0)
                return HULL_COMPRESSION_GZIP;
        if (strcmp(name, "zstd") == 0)
                return HULL_COMPRESSION_ZSTD;
        if (strcmp(name, "none") == 0 || strcmp(name, "uncompressed") == 0)
                return HULL_COMPRESSION_NONE;
        return -1;
}

const char *hull_compression_name(hull_compression c) {
        switch (c) {
        case HULL_COMPRESSION_GZIP: return "gzip";
        case HULL_COMPRESSION_ZSTD: return "zstd";
        case HULL_COMPRESSION_NONE: return "none";
        default: return "auto";
        }
}

static unsigned online_cpus(unsigned threads) {
        if (threads == 0) {
                long n = sysconf(_SC_NPROCESSORS_ONLN);
                threads = n > 0 ? (unsigned) n : 1;
        }
        return threads > MAX_THREADS ? MAX_THREADS : threads;
}

/* ---- gzip, compression ---- */

typedef enum job_state { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE } job_state;

typedef struct gz_job {
        unsigned char *in; /* GZ_BLOCK bytes */
        size_t in_len;
        unsigned char *out; /* one whole gzip member */
        size_t out_len, out_cap;
        bool failed;
        job_state state; /* under the stream's mutex once threads run */
        uint64_t seq;
} gz_job;

typedef struct gz_ostream {
        hull_ostream base;
        hull_ostream *next;
        int level;
        struct libdeflate_compressor *comp; /* the calling thread's */
        unsigned want_threads;
        pthread_t threads[MAX_THREADS];
        unsigned n_threads;
        pthread_mutex_t mu;
        pthread_cond_t cv_work, cv_done;
        bool stop;
        gz_job *jobs;
        unsigned n_jobs;
        uint64_t fill_seq;  /* the job being filled */
        uint64_t write_seq; /* the next job whose output goes to next */
        bool failed, finished;
} gz_ostream;

static void put_le32(unsigned char *p, uint32_t v) {
        for (int i = 0; i < 4; i++)
                p[i] = (unsigned char) (v >> (8 * i));
}

/* Turns j->in into one gzip member in j->out: our fixed header, the raw
 * deflate stream, CRC-32 and size.  c: NULL when allocating it failed. */
static void gz_compress_job(gz_job *j, struct libdeflate_compressor *c) {
        /* No name, no mtime, no extra flags; OS 255 ("unknown"). */
        static const unsigned char hdr[GZ_HEADER] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
        j->out_len = 0;
        j->failed = true;
        if (!c)
                return;
        size_t cap = GZ_HEADER + libdeflate_deflate_compress_bound(c, j->in_len) + GZ_TRAILER;
        if (j->out_cap < cap) {
                unsigned char *n = realloc(j->out, cap);
                if (!n)
                        return;
                j->out = n;
                j->out_cap = cap;
        }
        memcpy(j->out, hdr, GZ_HEADER);
        size_t n = libdeflate_deflate_compress(c, j->in, j->in_len, j->out + GZ_HEADER, cap - GZ_HEADER - GZ_TRAILER);
        if (n == 0) /* cannot happen with the bound's room */
                return;
        unsigned char *tr = j->out + GZ_HEADER + n;
        put_le32(tr, libdeflate_crc32(0, j->in, j->in_len));
        put_le32(tr + 4, (uint32_t) j->in_len);
        j->out_len = GZ_HEADER + n + GZ_TRAILER;
        j->failed = false;
}

static void *gz_worker(void *arg) {
        gz_ostream *g = arg;
        struct libdeflate_compressor *c = libdeflate_alloc_compressor(g->level);
        pthread_mutex_lock(&g->mu);
        for (;;) {
                gz_job *j = NULL;
                /* The oldest queued job first, so that output flows in order. */
                for (unsigned i = 0; i < g->n_jobs; i++)
                        if (g->jobs[i].state == JOB_QUEUED && (!j || g->jobs[i].seq < j->seq))
                                j = &g->jobs[i];
                if (!j) {
                        if (g->stop)
                                break;
                        pthread_cond_wait(&g->cv_work, &g->mu);
                        continue;
                }
                j->state = JOB_RUNNING;
                pthread_mutex_unlock(&g->mu);
                gz_compress_job(j, c);
                pthread_mutex_lock(&g->mu);
                j->state = JOB_DONE;
                pthread_cond_broadcast(&g->cv_done);
        }
        pthread_mutex_unlock(&g->mu);
        libdeflate_free_compressor(c);
        return NULL;
}

static void gz_start_threads(gz_ostream *g) {
        if (g->n_threads > 0 || g->want_threads < 2)
                return;
        for (unsigned i = 0; i < g->want_threads; i++) {
                if (pthread_create(&g->threads[i], NULL, gz_worker, g) != 0)
                        break;
                g->n_threads++;
        }
}

/* Writes out the job at write_seq once it is done (waits when `wait`).
 * Returns 1 if it wrote one, 0 if it is not done, or a negative value. */
static int gz_drain_one(gz_ostream *g, bool wait, hull_error **err) {
        gz_job *j = &g->jobs[g->write_seq % g->n_jobs];
        pthread_mutex_lock(&g->mu);
        while (wait && j->state != JOB_DONE && j->state != JOB_FREE)
                pthread_cond_wait(&g->cv_done, &g->mu);
        bool ready = j->state == JOB_DONE;
        pthread_mutex_unlock(&g->mu);
        if (!ready)
                return 0;
        if (j->failed)
                return hull_error_set_raw(err, ENOMEM, "gzip: cannot compress a block: out of memory");
        int r = hull_ostream_write(g->next, j->out, j->out_len, err);
        if (r < 0)
                return r;
        pthread_mutex_lock(&g->mu);
        j->state = JOB_FREE;
        pthread_mutex_unlock(&g->mu);
        g->write_seq++;
        return 1;
}

/* Queues the block being filled and, unless it is the last, starts the next. */
static int gz_submit(gz_ostream *g, bool last, hull_error **err) {
        gz_job *j = &g->jobs[g->fill_seq % g->n_jobs];
        j->seq = g->fill_seq;
        if (!last)
                gz_start_threads(g);
        if (g->n_threads == 0) {
                gz_compress_job(j, g->comp);
                j->state = JOB_DONE;
        } else {
                pthread_mutex_lock(&g->mu);
                j->state = JOB_QUEUED;
                pthread_cond_signal(&g->cv_work);
                pthread_mutex_unlock(&g->mu);
        }
        if (last)
                return 0;
        /* Start the next block; its slot must have been written out. */
        uint64_t next_seq = g->fill_seq + 1;
        while (next_seq - g->write_seq >= g->n_jobs) {
                int r = gz_drain_one(g, true, err);
                if (r < 0)
                        return r;
        }
        g->jobs[next_seq % g->n_jobs].in_len = 0;
        g->fill_seq = next_seq;
        /* Write whatever is already done, without waiting. */
        while (g->write_seq < g->fill_seq) {
                int r = gz_drain_one(g, false, err);
                if (r <= 0)
                        return r;
        }
        return 0;
}

static int gz_write(hull_ostream *s, const void *buf, size_t len, hull_error **err) {
        gz_ostream *g = (gz_ostream *) s;
        if (g->failed || g->finished)
                return hull_error_set_raw(err, EIO, "gzip: write after %s", g->failed ? "an error" : "the end");
        const unsigned char *p = buf;
        while (len > 0) {
                gz_job *j = &g->jobs[g->fill_seq % g->n_jobs];
                size_t room = GZ_BLOCK - j->in_len;
                size_t n = len < room ? len : room;
                memcpy(j->in + j->in_len, p, n);
                j->in_len += n;
                p += n;
                len -= n;
                /* A full block is submitted only once more data comes, so the
                 * last member is never empty (unless the whole input is). */
                if (j->in_len == GZ_BLOCK && len > 0) {
                        int r = gz_submit(g, false, err);
                        if (r < 0) {
                                g->failed = true;
                                return r;
                        }
                }
        }
        return 0;
}

static int gz_finish(hull_ostream *s, hull_error **err) {
        gz_ostream *g = (gz_ostream *) s;
        if (g->failed || g->finished)
                return hull_error_set_raw(err, EIO, "gzip: finish after %s", g->failed ? "an error" : "the end");
        int r = gz_submit(g, true, err);
        while (r >= 0 && g->write_seq <= g->fill_seq)
                r = gz_drain_one(g, true, err);
        if (r < 0) {
                g->failed = true;
                return r;
        }
        g->finished = true;
        return 0;
}

static void gz_free(hull_ostream *s) {
        gz_ostream *g = (gz_ostream *) s;
        pthread_mutex_lock(&g->mu);
        g->stop = true;
        pthread_cond_broadcast(&g->cv_work);
        pthread_mutex_unlock(&g->mu);
        for (unsigned i = 0; i < g->n_threads; i++)
                pthread_join(g->threads[i], NULL);
        for (unsigned i = 0; g->jobs && i < g->n_jobs; i++) {
                free(g->jobs[i].in);
                free(g->jobs[i].out);
        }
        free(g->jobs);
        libdeflate_free_compressor(g->comp);
        pthread_mutex_destroy(&g->mu);
        pthread_cond_destroy(&g->cv_work);
        pthread_cond_destroy(&g->cv_done);
        free(g);
}

static int gz_new(hull_ostream *next, int level, unsigned threads, hull_ostream **ret, hull_error **err) {
        if (level == 0)
                level = 6;
        if (level < 1 || level > 12)
                return hull_error_set_raw(err, EINVAL, "gzip: level %d is out of range [1, 12]", level);
        gz_ostream *g = calloc(1, sizeof(*g));
        if (!g)
                return hull_error_set(err, ENOMEM, "gzip");
        pthread_mutex_init(&g->mu, NULL);
        pthread_cond_init(&g->cv_work, NULL);
        pthread_cond_init(&g->cv_done, NULL);
        g->next = next;
        g->level = level;
        g->want_threads = online_cpus(threads);
        g->n_jobs = g->want_threads < 2 ? 2 : 2 * g->want_threads;
        g->base.write = gz_write;
        g->base.finish = gz_finish;
        g->base.free = gz_free;
        g->comp = libdeflate_alloc_compressor(level);
        g->jobs = calloc(g->n_jobs, sizeof(gz_job));
        if (!g->comp || !g->jobs) {
                gz_free(&g->base);
                return hull_error_set(err, ENOMEM, "gzip");
        }
        for (unsigned i = 0; i < g->n_jobs; i++)
                if (!(g->jobs[i].in = malloc(GZ_BLOCK))) {
                        gz_free(&g->base);
                        return hull_error_set(err, ENOMEM, "gzip");
                }
        *ret = &g->base;
        return 0;
}

/* ---- zstd, compression ---- */

typedef struct zs_ostream {
        hull_ostream base;
        hull_ostream *next;
        ZSTD_CCtx *cctx;
        unsigned char *out;
        size_t out_cap;
        bool finished;
} zs_ostream;

static int zs_run(zs_ostream *z, const void *buf, size_t len, ZSTD_EndDirective mode, hull_error **err) {
        ZSTD_inBuffer in = { buf, len, 0 };
        for (;;) {
                ZSTD_outBuffer out = { z->out, z->out_cap, 0 };
                size_t left = ZSTD_compressStream2(z->cctx, &out, &in, mode);
                if (ZSTD_isError(left))
                        return hull_error_set_raw(err, EIO, "zstd: %s", ZSTD_getErrorName(left));
                int r = hull_ostream_write(z->next, z->out, out.pos, err);
                if (r < 0)
                        return r;
                if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
                        return 0;
        }
}

static int zs_write(hull_ostream *s, const void *buf, size_t len, hull_error **err) {
        zs_ostream *z = (zs_ostream *) s;
        if (z->finished)
                return hull_error_set_raw(err, EIO, "zstd: write after the end");
        return zs_run(z, buf, len, ZSTD_e_continue, err);
}

static int zs_finish(hull_ostream *s, hull_error **err) {
        zs_ostream *z = (zs_ostream *) s;
        if (z->finished)
                return hull_error_set_raw(err, EIO, "zstd: finished twice");
        z->finished = true;
        return zs_run(z, NULL, 0, ZSTD_e_end, err);
}

static void zs_free(hull_ostream *s) {
        zs_ostream *z = (zs_ostream *) s;
        ZSTD_freeCCtx(z->cctx);
        free(z->out);
        free(z);
}

static int zs_new(hull_ostream *next, int level, unsigned threads, hull_ostream **ret, hull_error **err) {
        if (level == 0)
                level = 3;
        if (level < 1 || level > ZSTD_maxCLevel())
                return hull_error_set_raw(err, EINVAL, "zstd: level %d is out of range [1, %d]", level, ZSTD_maxCLevel());
        zs_ostream *z = calloc(1, sizeof(*z));
        if (!z)
                return hull_error_set(err, ENOMEM, "zstd");
        z->next = next;
        z->base.write = zs_write;
        z->base.finish = zs_finish;
        z->base.free = zs_free;
        z->out_cap = ZSTD_CStreamOutSize();
        z->cctx = ZSTD_createCCtx();
        z->out = malloc(z->out_cap);
        if (!z->cctx || !z->out) {
                zs_free(&z->base);
                return hull_error_set(err, ENOMEM, "zstd");
        }
        size_t r = ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_compressionLevel, level);
        if (!ZSTD_isError(r))
                r = ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_checksumFlag, 1);
        if (ZSTD_isError(r)) {
                zs_free(&z->base);
                return hull_error_set_raw(err, EINVAL, "zstd: %s", ZSTD_getErrorName(r));
        }
        /* At least one worker even on one CPU: libzstd's output is the same
         * for every worker count >= 1, but not for 0. */
        (void) ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_nbWorkers, (int) online_cpus(threads));
        *ret = &z->base;
        return 0;
}

/* ---- pass-through ---- */

typedef struct plain_ostream {
        hull_ostream base;
        hull_ostream *next;
} plain_ostream;

static int plain_write(hull_ostream *s, const void *buf, size_t len, hull_error **err) {
        return hull_ostream_write(((plain_ostream *) s)->next, buf, len, err);
}

static void plain_free(hull_ostream *s) {
        free(s);
}

int hull_ostream_compress_new(hull_ostream *next, hull_compression c, int level, unsigned threads,
                              hull_ostream **ret, hull_error **err) {
        switch (c) {
        case HULL_COMPRESSION_GZIP:
                return gz_new(next, level, threads, ret, err);
        case HULL_COMPRESSION_ZSTD:
                return zs_new(next, level, threads, ret, err);
        case HULL_COMPRESSION_NONE: {
                plain_ostream *p = calloc(1, sizeof(*p));
                if (!p)
                        return hull_error_set(err, ENOMEM, "stream");
                p->next = next;
                p->base.write = plain_write;
                p->base.free = plain_free;
                *ret = &p->base;
                return 0;
        }
        default:
                return hull_error_set_raw(err, EINVAL, "unknown compression %d", (int) c);
        }
}

/* ---- decompression ---- */

#define IN_BUF (1u << 16)

typedef struct dec_istream {
        hull_istream base;
        hull_istream *next;
        char *what;
        hull_compression kind;
        unsigned char *in;
        size_t in_pos, in_len;
        bool in_eof, detected, done;
        z_stream z;
        bool z_init;
        bool member_ended; /* gzip: between members */
        ZSTD_DCtx *dctx;
        size_t zstd_left; /* last return of ZSTD_decompressStream */
} dec_istream;

static int dec_fill(dec_istream *d, hull_error **err) {
        if (d->in_pos < d->in_len || d->in_eof)
                return 0;
        ssize_t n = hull_istream_read(d->next, d->in, IN_BUF, err);
        if (n < 0)
                return (int) n;
        d->in_pos = 0;
        d->in_len = (size_t) n;
        if (n == 0)
                d->in_eof = true;
        return 0;
}

static int dec_detect(dec_istream *d, hull_error **err) {
        /* Gather enough bytes for the magic numbers (or the whole stream). */
        while (d->in_len < 6 && !d->in_eof) {
                ssize_t n = hull_istream_read(d->next, d->in + d->in_len, IN_BUF - d->in_len, err);
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        d->in_eof = true;
                d->in_len += (size_t) n;
        }
        const unsigned char *m = d->in;
        size_t n = d->in_len;
        hull_compression found = HULL_COMPRESSION_NONE;
        if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
                found = HULL_COMPRESSION_GZIP;
        else if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
                found = HULL_COMPRESSION_ZSTD;
        else if (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h')
                return hull_error_set_raw(err, ENOTSUP, "%s: bzip2 compression is not supported", d->what);
        else if (n >= 6 && memcmp(m, "\xfd" "7zXZ\0", 6) == 0)
                return hull_error_set_raw(err, ENOTSUP, "%s: xz compression is not supported", d->what);
        if (d->kind == HULL_COMPRESSION_AUTO)
                d->kind = found;
        else if (d->kind != found && d->kind != HULL_COMPRESSION_NONE)
                return hull_error_set_raw(err, EBADMSG, "%s: not %s data", d->what, hull_compression_name(d->kind));
        if (d->kind == HULL_COMPRESSION_GZIP) {
                if (inflateInit2(&d->z, 15 + 16) != Z_OK)
                        return hull_error_set(err, ENOMEM, "%s: gzip", d->what);
                d->z_init = true;
        } else if (d->kind == HULL_COMPRESSION_ZSTD) {
                if (!(d->dctx = ZSTD_createDCtx()))
                        return hull_error_set(err, ENOMEM, "%s: zstd", d->what);
        }
        d->detected = true;
        return 0;
}

static ssize_t dec_gzip(dec_istream *d, void *buf, size_t len, hull_error **err) {
        if (len > UINT32_MAX)
                len = UINT32_MAX;
        for (;;) {
                int r = dec_fill(d, err);
                if (r < 0)
                        return r;
                if (d->member_ended) {
                        if (d->in_pos == d->in_len) {
                                d->done = true;
                                return 0;
                        }
                        /* Another member (pigz -i, cat a.gz b.gz), or junk. */
                        if (d->in[d->in_pos] != 0x1f)
                                return hull_error_set_raw(err, EBADMSG, "%s: gzip: trailing data after the end of the stream",
                                                          d->what);
                        inflateReset(&d->z);
                        d->member_ended = false;
                }
                if (d->in_pos == d->in_len)
                        return hull_error_set_raw(err, EBADMSG, "%s: gzip: unexpected end of data", d->what);
                d->z.next_in = d->in + d->in_pos;
                d->z.avail_in = (uInt) (d->in_len - d->in_pos);
                d->z.next_out = buf;
                d->z.avail_out = (uInt) len;
                int zr = inflate(&d->z, Z_NO_FLUSH);
                d->in_pos = d->in_len - d->z.avail_in;
                size_t got = len - d->z.avail_out;
                if (zr == Z_STREAM_END)
                        d->member_ended = true;
                else if (zr == Z_BUF_ERROR && got == 0 && d->z.avail_in > 0)
                        return hull_error_set_raw(err, EBADMSG, "%s: gzip: stream error", d->what);
                else if (zr != Z_OK && zr != Z_BUF_ERROR)
                        return hull_error_set_raw(err, zr == Z_MEM_ERROR ? ENOMEM : EBADMSG, "%s: gzip: %s", d->what,
                                                  d->z.msg ? d->z.msg : "corrupt data");
                if (got > 0)
                        return (ssize_t) got;
        }
}

static ssize_t dec_zstd(dec_istream *d, void *buf, size_t len, hull_error **err) {
        for (;;) {
                int r = dec_fill(d, err);
                if (r < 0)
                        return r;
                if (d->in_pos == d->in_len) {
                        if (d->zstd_left != 0)
                                return hull_error_set_raw(err, EBADMSG, "%s: zstd: unexpected end of data", d->what);
                        d->done = true;
                        return 0;
                }
                ZSTD_inBuffer in = { d->in, d->in_len, d->in_pos };
                ZSTD_outBuffer out = { buf, len, 0 };
                size_t zr = ZSTD_decompressStream(d->dctx, &out, &in);
                if (ZSTD_isError(zr))
                        return hull_error_set_raw(err, EBADMSG, "%s: zstd: %s", d->what, ZSTD_getErrorName(zr));
                d->in_pos = in.pos;
                d->zstd_left = zr;
                if (out.pos > 0)
                        return (ssize_t) out.pos;
        }
}

static ssize_t dec_read(hull_istream *s, void *buf, size_t len, hull_error **err) {
        dec_istream *d = (dec_istream *) s;
        if (!d->detected) {
                int r = dec_detect(d, err);
                if (r < 0)
                        return r;
        }
        if (d->done || len == 0)
                return 0;
        switch (d->kind) {
        case HULL_COMPRESSION_GZIP:
                return dec_gzip(d, buf, len, err);
        case HULL_COMPRESSION_ZSTD:
                return dec_zstd(d, buf, len, err);
        default:
                if (d->in_pos < d->in_len) {
                        size_t n = d->in_len - d->in_pos;
                        if (n > len)
                                n = len;
                        memcpy(buf, d->in + d->in_pos, n);
                        d->in_pos += n;
                        return (ssize_t) n;
                }
                return hull_istream_read(d->next, buf, len, err);
        }
}

static void dec_free(hull_istream *s) {
        dec_istream *d = (dec_istream *) s;
        if (d->z_init)
                inflateEnd(&d->z);
        ZSTD_freeDCtx(d->dctx);
        free(d->in);
        free(d->what);
        free(d);
}

int hull_istream_decompress_new(hull_istream *next, hull_compression c, const char *what, hull_istream **ret,
                                hull_error **err) {
        dec_istream *d = calloc(1, sizeof(*d));
        if (!d)
                return hull_error_set(err, ENOMEM, "decompress");
        d->next = next;
        d->kind = c;
        d->base.read = dec_read;
        d->base.free = dec_free;
        d->in = malloc(IN_BUF);
        d->what = strdup(what ? what : "input");
        if (!d->in || !d->what) {
                dec_free(&d->base);
                return hull_error_set(err, ENOMEM, "decompress");
        }
        *ret = &d->base;
        return 0;
}
