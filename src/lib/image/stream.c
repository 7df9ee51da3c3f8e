/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fd, memory and digest stages of the image streams (stream.h). */
#include "stream.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/sys.h"

int hull_istream_read_full(hull_istream *s, void *buf, size_t len, const char *what, hull_error **err) {
        size_t got = 0;
        while (got < len) {
                ssize_t n = hull_istream_read(s, (char *) buf + got, len - got, err);
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        return hull_error_set_raw(err, EBADMSG, "%s: unexpected end of data (%zu of %zu bytes)", what,
                                                  got, len);
                got += (size_t) n;
        }
        return 0;
}

int hull_istream_skip(hull_istream *s, uint64_t len, const char *what, hull_error **err) {
        char buf[16384];
        while (len > 0) {
                size_t want = len < sizeof(buf) ? (size_t) len : sizeof(buf);
                ssize_t n = hull_istream_read(s, buf, want, err);
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        return hull_error_set_raw(err, EBADMSG, "%s: unexpected end of data", what);
                len -= (uint64_t) n;
        }
        return 0;
}

int hull_stream_copy(hull_istream *in, hull_ostream *out, hull_error **err) {
        _cleanup_free_ char *buf = malloc(1 << 17);
        if (!buf)
                return hull_error_set(err, ENOMEM, "copy");
        for (;;) {
                ssize_t n = hull_istream_read(in, buf, 1 << 17, err);
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        return 0;
                int r = hull_ostream_write(out, buf, (size_t) n, err);
                if (r < 0)
                        return r;
        }
}

/* ---- fd ---- */

typedef struct fd_ostream {
        hull_ostream base;
        int fd;
        char *what;
} fd_ostream;

static int fd_write(hull_ostream *s, const void *buf, size_t len, hull_error **err) {
        fd_ostream *f = (fd_ostream *) s;
        const char *p = buf;
        while (len > 0) {
                int fault = hull_sys_fault(HULL_SYS_WRITE_FILE);
                if (fault)
                        return hull_error_set(err, fault, "write %s", f->what);
                ssize_t n = write(f->fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return hull_error_set(err, errno, "write %s", f->what);
                }
                if (n == 0)
                        return hull_error_set(err, EIO, "write %s", f->what);
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

static void fd_ofree(hull_ostream *s) {
        fd_ostream *f = (fd_ostream *) s;
        free(f->what);
        free(f);
}

hull_ostream *hull_ostream_fd_new(int fd, const char *what) {
        fd_ostream *f = calloc(1, sizeof(*f));
        if (!f)
                return NULL;
        f->what = strdup(what ? what : "output");
        if (!f->what) {
                free(f);
                return NULL;
        }
        f->fd = fd;
        f->base.write = fd_write;
        f->base.free = fd_ofree;
        return &f->base;
}

typedef struct fd_istream {
        hull_istream base;
        int fd;
        char *what;
} fd_istream;

static ssize_t fd_read(hull_istream *s, void *buf, size_t len, hull_error **err) {
        fd_istream *f = (fd_istream *) s;
        for (;;) {
                ssize_t n = read(f->fd, buf, len);
                if (n >= 0)
                        return n;
                if (errno != EINTR)
                        return hull_error_set(err, errno, "read %s", f->what);
        }
}

static void fd_ifree(hull_istream *s) {
        fd_istream *f = (fd_istream *) s;
        free(f->what);
        free(f);
}

hull_istream *hull_istream_fd_new(int fd, const char *what) {
        fd_istream *f = calloc(1, sizeof(*f));
        if (!f)
                return NULL;
        f->what = strdup(what ? what : "input");
        if (!f->what) {
                free(f);
                return NULL;
        }
        f->fd = fd;
        f->base.read = fd_read;
        f->base.free = fd_ifree;
        return &f->base;
}

/* ---- memory ---- */

typedef struct mem_ostream {
        hull_ostream base;
        char *data;
        size_t len, cap;
} mem_ostream;

static int mem_write(hull_ostream *s, const void *buf, size_t len, hull_error **err) {
        mem_ostream *m = (mem_ostream *) s;
        if (len > SIZE_MAX / 2 - m->len)
                return hull_error_set(err, ENOMEM, "buffer");
        if (m->len + len > m->cap) {
                size_t cap = m->cap ? m->cap : 4096;
                while (cap < m->len + len)
                        cap *= 2;
                char *n = realloc(m->data, cap);
                if (!n)
                        return hull_error_set(err, ENOMEM, "buffer");
                m->data = n;
                m->cap = cap;
        }
        memcpy(m->data + m->len, buf, len);
        m->len += len;
        return 0;
}

static void mem_ofree(hull_ostream *s) {
        mem_ostream *m = (mem_ostream *) s;
        free(m->data);
        free(m);
}

hull_ostream *hull_ostream_mem_new(void) {
        mem_ostream *m = calloc(1, sizeof(*m));
        if (!m)
                return NULL;
        m->base.write = mem_write;
        m->base.free = mem_ofree;
        return &m->base;
}

const void *hull_ostream_mem_data(hull_ostream *s, size_t *ret_len) {
        mem_ostream *m = (mem_ostream *) s;
        *ret_len = m->len;
        return m->data ? m->data : "";
}

typedef struct mem_istream {
        hull_istream base;
        const char *data;
        size_t len, pos;
} mem_istream;

static ssize_t mem_read(hull_istream *s, void *buf, size_t len, hull_error **err) {
        mem_istream *m = (mem_istream *) s;
        size_t n = m->len - m->pos;
        if (n > len)
                n = len;
        if (n > SSIZE_MAX)
                n = SSIZE_MAX;
        memcpy(buf, m->data + m->pos, n);
        m->pos += n;
        return (ssize_t) n;
}

static void mem_ifree(hull_istream *s) {
        free(s);
}

hull_istream *hull_istream_mem_new(const void *data, size_t len) {
        mem_istream *m = calloc(1, sizeof(*m));
        if (!m)
                return NULL;
        m->data = data;
        m->len = len;
        m->base.read = mem_read;
        m->base.free = mem_ifree;
        return &m->base;
}

/* ---- digest ---- */

typedef struct digest_ostream {
        hull_ostream base;
        hull_ostream *next;
        hull_hash *h;
        uint64_t size;
} digest_ostream;

static int dig_write(hull_ostream *s, const void *buf, size_t len, hull_error **err) {
        digest_ostream *d = (digest_ostream *) s;
        hull_hash_update(d->h, buf, len);
        d->size += len;
        return d->next ? hull_ostream_write(d->next, buf, len, err) : 0;
}

static void dig_ofree(hull_ostream *s) {
        digest_ostream *d = (digest_ostream *) s;
        hull_hash_free(d->h);
        free(d);
}

hull_ostream *hull_ostream_digest_new(hull_ostream *next) {
        digest_ostream *d = calloc(1, sizeof(*d));
        if (!d)
                return NULL;
        if (!(d->h = hull_hash_new())) {
                free(d);
                return NULL;
        }
        d->next = next;
        d->base.write = dig_write;
        d->base.free = dig_ofree;
        return &d->base;
}

void hull_ostream_digest_get(hull_ostream *s, char ret[HULL_DIGEST_BUF], uint64_t *ret_size) {
        digest_ostream *d = (digest_ostream *) s;
        hull_hash_final(d->h, ret);
        if (ret_size)
                *ret_size = d->size;
}

typedef struct digest_istream {
        hull_istream base;
        hull_istream *next;
        hull_hash *h;
        uint64_t size;
} digest_istream;

static ssize_t dig_read(hull_istream *s, void *buf, size_t len, hull_error **err) {
        digest_istream *d = (digest_istream *) s;
        ssize_t n = hull_istream_read(d->next, buf, len, err);
        if (n > 0) {
                hull_hash_update(d->h, buf, (size_t) n);
                d->size += (uint64_t) n;
        }
        return n;
}

static void dig_ifree(hull_istream *s) {
        digest_istream *d = (digest_istream *) s;
        hull_hash_free(d->h);
        free(d);
}

hull_istream *hull_istream_digest_new(hull_istream *next) {
        digest_istream *d = calloc(1, sizeof(*d));
        if (!d)
                return NULL;
        if (!(d->h = hull_hash_new())) {
                free(d);
                return NULL;
        }
        d->next = next;
        d->base.read = dig_read;
        d->base.free = dig_ifree;
        return &d->base;
}

void hull_istream_digest_get(hull_istream *s, char ret[HULL_DIGEST_BUF], uint64_t *ret_size) {
        digest_istream *d = (digest_istream *) s;
        hull_hash_final(d->h, ret);
        if (ret_size)
                *ret_size = d->size;
}

/* ---- prefetch ---- */

/* A ring of n buffers.  The producer fills slot (head + count) % n outside
 * the lock -- the consumer never touches it -- and publishes it by raising
 * count; the consumer reads slot head and releases it by advancing head. */
typedef struct prefetch_istream {
        hull_istream base;
        hull_istream *inner;
        pthread_t thread;
        bool started;
        pthread_mutex_t lock;
        pthread_cond_t not_empty, not_full;
        char **bufs;
        size_t *lens;
        size_t buf_size, pos;
        unsigned n, head, count;
        bool eof, stop;
        int error;            /* the inner stream's return value, once it failed */
        hull_error *inner_err; /* and its error, handed to every later read */
} prefetch_istream;

static void *prefetch_thread(void *arg) {
        prefetch_istream *p = arg;
        pthread_mutex_lock(&p->lock);
        for (;;) {
                while (p->count == p->n && !p->stop)
                        pthread_cond_wait(&p->not_full, &p->lock);
                if (p->stop)
                        break;
                unsigned slot = (p->head + p->count) % p->n;
                pthread_mutex_unlock(&p->lock);

                size_t len = 0;
                ssize_t n = 0;
                hull_error *e = NULL;
                while (len < p->buf_size) {
                        n = hull_istream_read(p->inner, p->bufs[slot] + len, p->buf_size - len, &e);
                        if (n <= 0)
                                break;
                        len += (size_t) n;
                }

                pthread_mutex_lock(&p->lock);
                if (len > 0) {
                        p->lens[slot] = len;
                        p->count++;
                }
                if (n < 0) {
                        p->error = (int) n;
                        p->inner_err = e;
                } else if (n == 0)
                        p->eof = true;
                pthread_cond_signal(&p->not_empty);
                if (n <= 0)
                        break;
        }
        pthread_mutex_unlock(&p->lock);
        return NULL;
}

static ssize_t prefetch_read(hull_istream *s, void *buf, size_t len, hull_error **err) {
        prefetch_istream *p = (prefetch_istream *) s;
        if (len == 0)
                return 0;
        pthread_mutex_lock(&p->lock);
        while (p->count == 0 && !p->eof && !p->error)
                pthread_cond_wait(&p->not_empty, &p->lock);
        if (p->count == 0) {
                /* Everything before the end or the error has been read. */
                int r = p->error;
                if (r < 0) {
                        const hull_error *e = p->inner_err;
                        int errnum = e ? e->errnum : EIO;
                        if (err && !*err) {
                                hull_error_set_raw(err, errnum, "%s", e ? e->msg : "read error");
                                if (e && *err)
                                        (*err)->status = e->status;
                        }
                        errno = errnum;
                }
                pthread_mutex_unlock(&p->lock);
                return r;
        }
        size_t n = p->lens[p->head] - p->pos;
        if (n > len)
                n = len;
        if (n > SSIZE_MAX)
                n = SSIZE_MAX;
        memcpy(buf, p->bufs[p->head] + p->pos, n);
        p->pos += n;
        if (p->pos == p->lens[p->head]) {
                p->pos = 0;
                p->head = (p->head + 1) % p->n;
                p->count--;
                pthread_cond_signal(&p->not_full);
        }
        pthread_mutex_unlock(&p->lock);
        return (ssize_t) n;
}

static void prefetch_free(hull_istream *s) {
        prefetch_istream *p = (prefetch_istream *) s;
        if (p->started) {
                pthread_mutex_lock(&p->lock);
                p->stop = true;
                pthread_cond_signal(&p->not_full);
                pthread_mutex_unlock(&p->lock);
                (void) pthread_join(p->thread, NULL);
        }
        pthread_cond_destroy(&p->not_full);
        pthread_cond_destroy(&p->not_empty);
        pthread_mutex_destroy(&p->lock);
        for (unsigned i = 0; p->bufs && i < p->n; i++)
                free(p->bufs[i]);
        free(p->bufs);
        free(p->lens);
        hull_error_free(p->inner_err);
        free(p);
}

hull_istream *hull_istream_prefetch_new(hull_istream *inner, unsigned n_bufs, size_t buf_size) {
        if (n_bufs == 0)
                n_bufs = 4;
        if (buf_size == 0)
                buf_size = 1u << 18;
        prefetch_istream *p = calloc(1, sizeof(*p));
        if (!p)
                return NULL;
        p->inner = inner;
        p->n = n_bufs;
        p->buf_size = buf_size;
        p->base.read = prefetch_read;
        p->base.free = prefetch_free;
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->not_empty, NULL);
        pthread_cond_init(&p->not_full, NULL);
        p->bufs = calloc(n_bufs, sizeof(char *));
        p->lens = calloc(n_bufs, sizeof(size_t));
        if (!p->bufs || !p->lens)
                goto fail;
        for (unsigned i = 0; i < n_bufs; i++)
                if (!(p->bufs[i] = malloc(buf_size)))
                        goto fail;
        /* The thread takes no signals: they stay with the caller's threads. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        int r = pthread_create(&p->thread, NULL, prefetch_thread, p);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (r != 0) {
                errno = r;
                goto fail;
        }
        p->started = true;
        return &p->base;
fail:;
        int e = errno;
        prefetch_free(&p->base);
        errno = e;
        return NULL;
}
