/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

const cli_verb cli_verb_create = { "create", "[options] <container-id>",
                                   "Create a container from a bundle: its process waits for `start`.", cli_create };

int cli_create(hull_context *ctx, int argc, char **argv) {
        hull_create_opts o = { 0 };
        const cli_opt opts[] = {
                { "bundle", 'b', CLI_STRING, &o.bundle, "bundle directory (default: the current directory)", "DIR" },
                { "pid-file", 0, CLI_STRING, &o.pid_file, "write the container process's pid to FILE", "FILE" },
                { "console-socket", 0, CLI_STRING, &o.console_socket, "AF_UNIX socket to receive the terminal's master fd", "PATH" },
                { "preserve-fds", 0, CLI_UINT, &o.preserve_fds, "pass N more fds (3..3+N-1) into the container", "N" },
                { "no-pivot", 0, CLI_BOOL, &o.no_pivot, "use MS_MOVE and chroot instead of pivot_root", NULL },
                { "no-new-keyring", 0, CLI_BOOL, &o.no_new_keyring, "keep the caller's session keyring", NULL },
        };
        int idx = cli_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), &cli_verb_create);
        if (idx < 0)
                return idx == -2 ? 0 : 1;
        if (argc - idx != 1)
                return cli_usage_error(&cli_verb_create, "create needs exactly one argument, the container id");
        hull_error *err = NULL;
        if (hull_container_create(ctx, argv[idx], &o, &err) < 0)
                return cli_fail(err);
        return 0;
}
