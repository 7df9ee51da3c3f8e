/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int hull_sync_send(int sock, hull_sync_type type, int errnum, int status, const char *text, int pass_fd) {
        hull_sync_msg m = { .type = type, .errnum = errnum, .status = status };
        if (text) {
                size_t n = strlen(text);
                if (n > HULL_SYNC_TEXT_MAX)
                        n = HULL_SYNC_TEXT_MAX;
                memcpy(m.text, text, n);
                m.len = (uint32_t) n;
        }
        struct iovec iov = { &m, offsetof(hull_sync_msg, text) + m.len };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        if (pass_fd >= 0) {
                memset(&ctl, 0, sizeof(ctl));
                mh.msg_control = ctl.buf;
                mh.msg_controllen = sizeof(ctl.buf);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
        }
        ssize_t n;
        do
                n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        return n < 0 ? -errno : 0;
}

int hull_sync_send_error(int sock, const hull_error *err) {
        return hull_sync_send(sock, HULL_SYNC_ERROR, err ? err->errnum : EIO, err ? err->status : 0,
                              err ? err->msg : "unknown error", -1);
}

int hull_sync_recv(int sock, hull_sync_msg *m, int *ret_fd) {
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = { m, sizeof(*m) - 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
        if (ret_fd)
                *ret_fd = -1;
        ssize_t n;
        do
                n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return errno == ECONNRESET ? -EPIPE : -errno;
        if (n == 0)
                return -EPIPE;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        int fd;
                        memcpy(&fd, CMSG_DATA(c), sizeof(int));
                        if (ret_fd && *ret_fd < 0)
                                *ret_fd = fd;
                        else
                                close(fd);
                }
        if ((size_t) n < offsetof(hull_sync_msg, text) || m->len > HULL_SYNC_TEXT_MAX ||
            (size_t) n != offsetof(hull_sync_msg, text) + m->len)
                return -EBADMSG;
        m->text[m->len] = 0;
        return 0;
}

int hull_sync_expect(int sock, hull_sync_type type, const char *what, int *ret_fd, hull_sync_msg *ret_msg,
                     hull_error **err) {
        hull_sync_msg m;
        int fd = -1;
        int r = hull_sync_recv(sock, &m, &fd);
        if (r == -EPIPE)
                return hull_error_set_raw(err, EPIPE, "%s: the container process exited unexpectedly", what);
        if (r < 0)
                return hull_error_set(err, -r, "%s: read from the container process", what);
        if (m.type == HULL_SYNC_ERROR) {
                if (fd >= 0)
                        close(fd);
                r = hull_error_set_raw(err, m.errnum > 0 ? m.errnum : EIO, "%s", m.text);
                if (err && *err)
                        (*err)->status = m.status;
                return r;
        }
        if (m.type != (uint32_t) type) {
                if (fd >= 0)
                        close(fd);
                return hull_error_set_raw(err, EPROTO, "%s: unexpected message %u from the container process (wanted %u)",
                                          what, m.type, (unsigned) type);
        }
        if (ret_fd)
                *ret_fd = fd;
        else if (fd >= 0)
                close(fd);
        if (ret_msg)
                *ret_msg = m;
        return 0;
}
