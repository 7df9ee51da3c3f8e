/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Socket addresses of readiness checks, numeric only: a static PID 1 does no
 * name service look-ups. */

#include <sys/socket.h>

/* sizeof(sun_path): the longest UNIX socket path plus its NUL */
#define UNIX_PATH_MAX_LEN 108

struct tcp_addr {
        struct sockaddr_storage ss;
        socklen_t len;
};

/* Parses "PORT" (127.0.0.1), "IPV4:PORT", "localhost:PORT" or
 * "[IPV6]:PORT".  Returns 0 or -1. */
int tcp_addr_parse(const char *s, struct tcp_addr *ret);
