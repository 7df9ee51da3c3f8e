/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <signal.h>

#include "cli.h"

const cli_verb cli_verb_kill = { "kill", "[options] <container-id> [signal]",
                                 "Send a signal to the container's process.\n"
                                 "SIGNAL: SIGTERM by default; a name, with or without SIG, or a number.",
                                 cli_kill };

int cli_kill(hull_context *ctx, int argc, char **argv) {
        bool all = false;
        const cli_opt opts[] = {
                { "all", 'a', CLI_BOOL, &all, "signal every process in the container's cgroup", NULL },
        };
        int idx = cli_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), &cli_verb_kill);
        if (idx < 0)
                return idx == -2 ? 0 : 1;
        if (argc - idx < 1 || argc - idx > 2)
                return cli_usage_error(&cli_verb_kill, "kill needs the container id and optionally a signal");
        int sig = SIGTERM;
        if (argc - idx == 2 && (sig = hull_signal_from_string(argv[idx + 1])) < 0)
                return cli_usage_error(&cli_verb_kill, "unknown signal \"%s\"", argv[idx + 1]);
        hull_error *err = NULL;
        if (hull_container_kill(ctx, argv[idx], sig, all, &err) < 0)
                return cli_fail(err);
        return 0;
}
