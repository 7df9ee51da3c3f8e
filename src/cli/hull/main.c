/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull: the command people type.  `hull runtime ...` is hull-runtime. */
#include <stdio.h>
#include <string.h>

#include "cli/runtime/cli.h"

static void usage(FILE *f) {
        fprintf(f,
                "Usage: hull COMMAND [options] [arguments...]\n\n"
                "Commands:\n"
                "  runtime    the OCI runtime (runc's command line; see `hull runtime --help`)\n"
                "  version    print the version\n");
}

int main(int argc, char **argv) {
        if (argc < 2) {
                usage(stderr);
                return 1;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
                usage(stdout);
                return 0;
        }
        if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
                printf("hull version %s\n", HULL_VERSION);
                return 0;
        }
        if (strcmp(argv[1], "runtime") == 0) {
                cli_program = "hull runtime";
                return hull_runtime_main(argc - 1, argv + 1);
        }
        fprintf(stderr, "hull: no such command: %s (see hull --help)\n", argv[1]);
        return 1;
}
