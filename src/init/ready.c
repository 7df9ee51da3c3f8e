/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Readiness of a service: at once, on a newline written to a notification
 * fd, when it exits 0, or when a TCP or UNIX socket accepts a connection.
 * A socket that does not accept yet is tried again after 10 ms, then after
 * a gap that doubles up to 1 s: no readiness signal exists for "someone
 * listens", and the retries stop as soon as it is ready. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "address.h"
#include "engine.h"
#include "util.h"

#define PROBE_FIRST_MS 10
#define PROBE_MAX_MS 1000

static void close_fd(int *fd) {
        if (*fd >= 0) {
                close(*fd);
                *fd = -1;
        }
}

void ready_mark(struct engine *e, struct svc *s) {
        close_fd(&s->notify_fd);
        close_fd(&s->probe_fd);
        s->probe_at = 0;
        s->ready = true;
        s->ready_now = true;
        if (s->c->ready != READY_NONE)
                init_info("%s: ready", s->c->name);
}

void ready_begin(struct engine *e, struct svc *s) {
        switch (s->c->ready) {
        case READY_NONE:
                ready_mark(e, s);
                break;
        case READY_TCP:
        case READY_UNIX:
                s->probe_gap = PROBE_FIRST_MS;
                ready_probe_due(e, s);
                break;
        case READY_FD:
        case READY_EXIT:
        case _READY_MAX:
                break;
        }
}

void ready_on_notify(struct engine *e, struct svc *s) {
        char buf[256];
        ssize_t n = read(s->notify_fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n > 0) {
                if (memchr(buf, '\n', (size_t) n))
                        ready_mark(e, s);
                return;
        }
        init_warn("%s: closed its notification fd %d without writing a newline", s->c->name, s->c->ready_fd);
        close_fd(&s->notify_fd);
}

static void retry(struct svc *s) {
        close_fd(&s->probe_fd);
        s->probe_at = now_ms() + s->probe_gap;
        s->probe_gap = s->probe_gap * 2 > PROBE_MAX_MS ? PROBE_MAX_MS : s->probe_gap * 2;
}

void ready_probe_due(struct engine *e, struct svc *s) {
        struct sockaddr_un un;
        struct tcp_addr tcp;
        const struct sockaddr *sa;
        socklen_t len;

        s->probe_at = 0;
        if (s->pid <= 0 || s->ready_now)
                return;
        if (s->c->ready == READY_UNIX) {
                memset(&un, 0, sizeof(un));
                un.sun_family = AF_UNIX;
                strncpy(un.sun_path, s->c->ready_addr, sizeof(un.sun_path) - 1);
                sa = (const struct sockaddr *) &un;
                len = sizeof(un);
        } else {
                if (tcp_addr_parse(s->c->ready_addr, &tcp) < 0)
                        return; /* refused by the parser already */
                sa = (const struct sockaddr *) &tcp.ss;
                len = tcp.len;
        }
        s->probe_fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->probe_fd < 0) {
                retry(s);
                return;
        }
        if (connect(s->probe_fd, sa, len) == 0 || (s->c->ready == READY_UNIX && errno == EAGAIN)) {
                /* EAGAIN on a UNIX socket: it listens, its backlog is full */
                ready_mark(e, s);
                return;
        }
        if (errno == EINPROGRESS)
                return; /* ready_on_probe() when it completes */
        retry(s);
}

void ready_on_probe(struct engine *e, struct svc *s) {
        int err = 0;
        socklen_t len = sizeof(err);
        if (getsockopt(s->probe_fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
                ready_mark(e, s);
                return;
        }
        retry(s);
}
