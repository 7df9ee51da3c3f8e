/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

const cli_verb cli_verb_start = { "start", "<container-id>", "Run the user program of a created container.\n"
                                  "With startContainer or poststart hooks, returns once the program runs (and\n"
                                  "fails if it cannot); without them, as soon as the container is told to go\n"
                                  "(an execve error then goes to the container's stderr, exit 126 or 127).",
                                  cli_start };

int cli_start(hull_context *ctx, int argc, char **argv) {
        int idx = cli_parse(argc, argv, NULL, 0, &cli_verb_start);
        if (idx < 0)
                return idx == -2 ? 0 : 1;
        if (argc - idx != 1)
                return cli_usage_error(&cli_verb_start, "start needs exactly one argument, the container id");
        hull_error *err = NULL;
        if (hull_container_start(ctx, argv[idx], &err) < 0)
                return cli_fail(err);
        return 0;
}
