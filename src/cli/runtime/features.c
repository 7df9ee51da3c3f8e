/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const cli_verb cli_verb_features = { "features", "",
                                     "Print the runtime-spec features document: what this build implements.",
                                     cli_features };

int cli_features(hull_context *ctx, int argc, char **argv) {
        int idx = cli_parse(argc, argv, NULL, 0, &cli_verb_features);
        if (idx < 0)
                return idx == -2 ? 0 : 1;
        if (argc - idx != 0)
                return cli_usage_error(&cli_verb_features, "features takes no arguments");
        char *json = hull_spec_features_json();
        if (!json)
                return 1;
        puts(json);
        free(json);
        (void) ctx;
        return 0;
}
