/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The attached runtime (run, exec): signal forwarding and the terminal proxy. */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/log.h"

static void forwarded_set(sigset_t *set) {
        sigfillset(set);
        static const int sync_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT, SIGSYS, SIGKILL, SIGSTOP };
        for (size_t i = 0; i < ELEMENTSOF(sync_signals); i++)
                sigdelset(set, sync_signals[i]);
}

void hull_signals_block(sigset_t *old) {
        sigset_t set;
        forwarded_set(&set);
        sigprocmask(SIG_BLOCK, &set, old);
}

static void copy_winsize(int from, int to) {
        struct winsize ws;
        if (ioctl(from, TIOCGWINSZ, &ws) == 0 && (ws.ws_row || ws.ws_col))
                (void) ioctl(to, TIOCSWINSZ, &ws);
}

/* Writes all of buf, polling when the fd is non-blocking and full. */
static int write_all(int fd, const char *buf, size_t len) {
        while (len > 0) {
                ssize_t n = write(fd, buf, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN) {
                                struct pollfd p = { fd, POLLOUT, 0 };
                                (void) poll(&p, 1, 1000);
                                continue;
                        }
                        return -errno;
                }
                buf += n;
                len -= (size_t) n;
        }
        return 0;
}

static int status_of(int wstatus) {
        if (WIFEXITED(wstatus))
                return WEXITSTATUS(wstatus);
        if (WIFSIGNALED(wstatus))
                return 128 + WTERMSIG(wstatus);
        return 1;
}

int hull_attach_wait(pid_t pid, int master, hull_error **err) {
        sigset_t set;
        forwarded_set(&set);
        _cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0)
                return hull_error_set(err, errno, "signalfd");

        struct termios saved;
        bool raw = false;
        int in = STDIN_FILENO;
        bool in_open = master >= 0;
        if (master >= 0) {
                if (isatty(in) && tcgetattr(in, &saved) == 0) {
                        struct termios t = saved;
                        cfmakeraw(&t);
                        t.c_oflag = saved.c_oflag; /* keep output processing of the outer terminal */
                        if (tcsetattr(in, TCSADRAIN, &t) == 0)
                                raw = true;
                        copy_winsize(in, master);
                }
                (void) fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
        }

        int status = -1;
        bool master_open = master >= 0;
        for (;;) {
                /* Reap first: a child may have exited before we got here. */
                for (;;) {
                        int ws;
                        pid_t w = waitpid(-1, &ws, WNOHANG);
                        if (w <= 0)
                                break;
                        if (w == pid)
                                status = status_of(ws);
                }
                if (status >= 0)
                        break;
                struct pollfd p[3];
                int n = 0, ip = -1, mp = -1;
                p[n++] = (struct pollfd){ sfd, POLLIN, 0 };
                if (in_open) {
                        ip = n;
                        p[n++] = (struct pollfd){ in, POLLIN, 0 };
                }
                if (master_open) {
                        mp = n;
                        p[n++] = (struct pollfd){ master, POLLIN, 0 };
                }
                if (poll(p, (nfds_t) n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        status = -errno;
                        break;
                }
                if (p[0].revents & POLLIN) {
                        struct signalfd_siginfo si;
                        while (read(sfd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
                                int sig = (int) si.ssi_signo;
                                if (sig == SIGCHLD)
                                        continue;
                                if (sig == SIGWINCH) {
                                        if (master >= 0 && isatty(in))
                                                copy_winsize(in, master);
                                        continue;
                                }
                                if (sig == SIGPIPE || sig == SIGURG)
                                        continue;
                                if (kill(pid, sig) < 0 && errno != ESRCH)
                                        hull_debug("forward signal %d to %d: %s", sig, (int) pid, strerror(errno));
                        }
                }
                if (ip >= 0 && p[ip].revents) {
                        char buf[4096];
                        ssize_t k = read(in, buf, sizeof(buf));
                        if (k > 0) {
                                if (write_all(master, buf, (size_t) k) < 0)
                                        in_open = false;
                        } else if (k == 0 || (errno != EINTR && errno != EAGAIN))
                                in_open = false;
                }
                if (mp >= 0 && p[mp].revents) {
                        char buf[8192];
                        ssize_t k = read(master, buf, sizeof(buf));
                        if (k > 0)
                                (void) write_all(STDOUT_FILENO, buf, (size_t) k);
                        else if (k == 0 || (errno != EINTR && errno != EAGAIN))
                                master_open = false; /* EIO: every peer is closed */
                }
        }
        /* What the program wrote just before it exited. */
        while (master_open) {
                char buf[8192];
                ssize_t k = read(master, buf, sizeof(buf));
                if (k <= 0)
                        break;
                (void) write_all(STDOUT_FILENO, buf, (size_t) k);
        }
        if (raw)
                (void) tcsetattr(in, TCSADRAIN, &saved);
        if (status < 0)
                return hull_error_set(err, -status, "wait for the container process");
        return status;
}

int hull_send_console(const char *path, int master, hull_error **err) {
        struct sockaddr_un sa;
        memset(&sa, 0, sizeof(sa));
        sa.sun_family = AF_UNIX;
        if (strlen(path) >= sizeof(sa.sun_path))
                return hull_error_set_raw(err, ENAMETOOLONG, "--console-socket %s: path too long", path);
        strcpy(sa.sun_path, path);
        _cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sock < 0 || connect(sock, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return hull_error_set(err, errno, "connect to --console-socket %s", path);
        /* runc sends the pty's name as the payload; engines ignore it or log it. */
        char name[64] = "/dev/ptmx";
        int n;
        if (ioctl(master, TIOCGPTN, &n) == 0)
                snprintf(name, sizeof(name), "/dev/pts/%d", n);
        struct iovec iov = { name, strlen(name) };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        memset(&ctl, 0, sizeof(ctl));
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &master, sizeof(int));
        if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
                return hull_error_set(err, errno, "send the terminal to --console-socket %s", path);
        return 0;
}
