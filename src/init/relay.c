/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util.h"

int relay_open(struct relay **list, const char *name, int out) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
                int r = -errno;
                close(p[0]);
                close(p[1]);
                return r;
        }
        struct relay *r = xcalloc(1, sizeof(*r));
        r->fd = p[0];
        r->out = out;
        r->name = xstrdup(name);
        r->next = *list;
        *list = r;
        return p[1];
}

/* Writes "name | " + line + "\n" in one writev, so that lines of
 * different services do not interleave. */
static void emit(struct relay *r, const char *line, size_t len) {
        struct iovec iov[4] = {
                { r->name, strlen(r->name) },
                { (void *) " | ", 3 },
                { (void *) line, len },
                { (void *) "\n", 1 },
        };
        size_t total = iov[0].iov_len + 3 + len + 1;
        ssize_t n;
        do
                n = writev(r->out, iov, 4);
        while (n < 0 && errno == EINTR);
        if (n >= 0 && (size_t) n < total) {
                /* a short write (a full pipe on our stdout): finish it */
                size_t done = (size_t) n;
                for (int i = 0; i < 4; i++) {
                        if (done >= iov[i].iov_len) {
                                done -= iov[i].iov_len;
                                continue;
                        }
                        write_all(r->out, (char *) iov[i].iov_base + done, iov[i].iov_len - done);
                        done = 0;
                }
        }
}

bool relay_pump(struct relay *r) {
        ssize_t n;
        do
                n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
        while (n < 0 && errno == EINTR);
        if (n < 0 && errno == EAGAIN)
                return false;
        if (n <= 0) {
                if (r->len)
                        emit(r, r->buf, r->len);
                r->len = 0;
                r->eof = true;
                return false;
        }
        r->len += (size_t) n;
        char *start = r->buf, *nl;
        while ((nl = memchr(start, '\n', r->len - (size_t) (start - r->buf)))) {
                emit(r, start, (size_t) (nl - start));
                start = nl + 1;
        }
        r->len -= (size_t) (start - r->buf);
        memmove(r->buf, start, r->len);
        if (r->len == sizeof(r->buf)) {
                /* a line longer than the buffer goes out in pieces */
                emit(r, r->buf, r->len);
                r->len = 0;
        }
        return true;
}

void relay_sweep(struct relay **list) {
        while (*list) {
                struct relay *r = *list;
                if (!r->eof) {
                        list = &r->next;
                        continue;
                }
                *list = r->next;
                close(r->fd);
                free(r->name);
                free(r);
        }
}

void relay_close_all(struct relay **list) {
        for (struct relay *r = *list; r; r = r->next) {
                /* bounded: a writer that hull-init does not know of could
                 * keep the pipe open for ever */
                for (int i = 0; i < 1024 && relay_pump(r); i++)
                        ;
                if (!r->eof && r->len)
                        emit(r, r->buf, r->len);
                r->eof = true;
        }
        relay_sweep(list);
}
