/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util/fs.h"

const cli_verb cli_verb_spec = { "spec", "[options]",
                                 "Write a default config.json (what `runc spec` writes) into the bundle directory.",
                                 cli_spec };

int cli_spec(hull_context *ctx, int argc, char **argv) {
        const char *bundle = ".";
        bool rootless = false;
        const cli_opt opts[] = {
                { "bundle", 'b', CLI_STRING, &bundle, "bundle directory (default: the current directory)", "DIR" },
                { "rootless", 0, CLI_BOOL, &rootless, "a config for a non-root user: user namespace, no cgroup limits", NULL },
        };
        int idx = cli_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), &cli_verb_spec);
        if (idx < 0)
                return idx == -2 ? 0 : 1;
        if (argc - idx != 0)
                return cli_usage_error(&cli_verb_spec, "spec takes no arguments");
        int dfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
                fprintf(stderr, "%s: open bundle %s: %s\n", cli_program, bundle, strerror(errno));
                return 1;
        }
        if (faccessat(dfd, "config.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
                fprintf(stderr, "%s: %s/config.json exists; remove it first\n", cli_program, bundle);
                close(dfd);
                return 1;
        }
        char *json = hull_spec_default_json(rootless, geteuid(), getegid());
        if (!json) {
                close(dfd);
                return 1;
        }
        size_t len = strlen(json);
        json[len] = 0;
        hull_error *err = NULL;
        char *withnl = malloc(len + 2);
        int r = -1;
        if (withnl) {
                memcpy(withnl, json, len);
                withnl[len] = '\n';
                r = hull_write_atomic_at(dfd, "config.json", withnl, len + 1, 0644, HULL_WRITE_DURABLE, &err);
        }
        free(withnl);
        free(json);
        close(dfd);
        (void) ctx;
        if (r < 0)
                return cli_fail(err);
        return 0;
}
