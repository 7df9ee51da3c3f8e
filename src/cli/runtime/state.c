/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>

#include "cli.h"

const cli_verb cli_verb_state = { "state", "<container-id>", "Print a container's state as runtime-spec JSON.", cli_state };

int cli_state(hull_context *ctx, int argc, char **argv) {
        int idx = cli_parse(argc, argv, NULL, 0, &cli_verb_state);
        if (idx < 0)
                return idx == -2 ? 0 : 1;
        if (argc - idx != 1)
                return cli_usage_error(&cli_verb_state, "state needs exactly one argument, the container id");
        hull_error *err = NULL;
        hull_state *s = NULL;
        if (hull_container_state(ctx, argv[idx], &s, &err) < 0)
                return cli_fail(err);
        char *json = hull_state_to_json(s);
        hull_state_free(s);
        if (!json)
                return 1;
        puts(json);
        free(json);
        return 0;
}
