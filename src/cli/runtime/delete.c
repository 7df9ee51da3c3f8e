/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

const cli_verb cli_verb_delete = { "delete", "[options] <container-id>...",
                                   "Delete a stopped (or created) container and everything create made for it.",
                                   cli_delete };

int cli_delete(hull_context *ctx, int argc, char **argv) {
        bool force = false;
        const cli_opt opts[] = {
                { "force", 'f', CLI_BOOL, &force, "kill a running container first (SIGKILL)", NULL },
        };
        int idx = cli_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), &cli_verb_delete);
        if (idx < 0)
                return idx == -2 ? 0 : 1;
        if (argc - idx < 1)
                return cli_usage_error(&cli_verb_delete, "delete needs at least one container id");
        int status = 0;
        for (int i = idx; i < argc; i++) {
                hull_error *err = NULL;
                if (hull_container_delete(ctx, argv[i], force, &err) < 0) {
                        /* --force on a container that does not exist is not an error (runc). */
                        if (force && err && err->errnum == 2) {
                                hull_error_free(err);
                                continue;
                        }
                        status = cli_fail(err);
                }
        }
        return status;
}
