/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull: the command people type.  `hull runtime ...` is hull-runtime. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/hull/hull.h"
#include "cli/runtime/cli.h"

static const hull_verb *const tables[] = { hull_build_verbs, hull_image_verbs };

const char *hull_cli_store_path(void) {
        static char buf[4096];
        const char *env = getenv("HULL_STORE");
        if (env && *env)
                return env;
        if (geteuid() == 0)
                return "/var/lib/hull";
        const char *xdg = getenv("XDG_DATA_HOME");
        if (xdg && *xdg)
                snprintf(buf, sizeof(buf), "%s/hull", xdg);
        else
                snprintf(buf, sizeof(buf), "%s/.local/share/hull", getenv("HOME") ? getenv("HOME") : "/");
        return buf;
}

static void usage(FILE *f) {
        fprintf(f, "Usage: hull COMMAND [options] [arguments...]\n\nCommands:\n");
        for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
                for (const hull_verb *v = tables[t]; v->name; v++)
                        fprintf(f, "  %-10s %s\n", v->name, v->summary);
        fprintf(f, "  %-10s %s\n", "runtime", "the OCI runtime: runc's command line (see `hull runtime --help`)");
        fprintf(f, "  %-10s %s\n", "version", "print the version");
        fprintf(f, "\nRun 'hull COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv) {
        cli_argv = argv;
        if (argc < 2) {
                usage(stderr);
                return 1;
        }
        const char *verb = argv[1];
        if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0 || strcmp(verb, "help") == 0) {
                usage(stdout);
                return 0;
        }
        if (strcmp(verb, "version") == 0 || strcmp(verb, "--version") == 0) {
                printf("hull version %s\n", HULL_VERSION);
                return 0;
        }
        if (strcmp(verb, "runtime") == 0) {
                cli_program = "hull runtime";
                return hull_runtime_main(argc - 1, argv + 1);
        }
        for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
                for (const hull_verb *v = tables[t]; v->name; v++)
                        if (strcmp(v->name, verb) == 0)
                                return v->run(argc - 1, argv + 1);
        fprintf(stderr, "hull: no such command: %s (see hull --help)\n", verb);
        return 1;
}
