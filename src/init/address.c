/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "util.h"

int tcp_addr_parse(const char *s, struct tcp_addr *ret) {
        char host[64];
        const char *port;
        uint64_t p;

        memset(ret, 0, sizeof(*ret));
        if (s[0] == '[') {
                const char *close = strchr(s, ']');
                if (!close || close[1] != ':' || (size_t) (close - s - 1) >= sizeof(host))
                        return -1;
                memcpy(host, s + 1, (size_t) (close - s - 1));
                host[close - s - 1] = '\0';
                port = close + 2;
        } else {
                const char *colon = strrchr(s, ':');
                if (!colon) {
                        strcpy(host, "127.0.0.1");
                        port = s;
                } else {
                        if ((size_t) (colon - s) >= sizeof(host) || strchr(s, ':') != colon)
                                return -1;
                        memcpy(host, s, (size_t) (colon - s));
                        host[colon - s] = '\0';
                        port = colon + 1;
                }
        }
        if (parse_uint(port, 65535, &p) < 0 || p == 0)
                return -1;
        if (strcmp(host, "localhost") == 0)
                strcpy(host, "127.0.0.1");

        struct sockaddr_in *in4 = (struct sockaddr_in *) &ret->ss;
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &ret->ss;
        if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
                in4->sin_family = AF_INET;
                in4->sin_port = htons((uint16_t) p);
                ret->len = sizeof(*in4);
                return 0;
        }
        if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t) p);
                ret->len = sizeof(*in6);
                return 0;
        }
        return -1;
}
