/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/json.h"

const cli_verb cli_verb_list = { "list", "[options]", "List the containers in the state directory.", cli_list };

int cli_list(hull_context *ctx, int argc, char **argv) {
        const char *format = "table";
        bool quiet = false;
        const cli_opt opts[] = {
                { "format", 'f', CLI_STRING, &format, "table (default) or json", "FORMAT" },
                { "quiet", 'q', CLI_BOOL, &quiet, "print only the ids", NULL },
        };
        int idx = cli_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), &cli_verb_list);
        if (idx < 0)
                return idx == -2 ? 0 : 1;
        if (argc - idx != 0)
                return cli_usage_error(&cli_verb_list, "list takes no arguments");
        if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
                return cli_usage_error(&cli_verb_list, "--format: expected table or json, got \"%s\"", format);
        hull_error *err = NULL;
        hull_state **v = NULL;
        size_t n = 0;
        if (hull_container_list(ctx, &v, &n, &err) < 0)
                return cli_fail(err);
        if (quiet) {
                for (size_t i = 0; i < n; i++)
                        puts(v[i]->id);
        } else if (strcmp(format, "json") == 0) {
                json_t *arr = json_array();
                for (size_t i = 0; i < n; i++) {
                        char *s = hull_state_to_json(v[i]);
                        json_t *o = s ? hull_json_loads(s, 0, NULL) : NULL;
                        free(s);
                        if (o)
                                json_array_append_new(arr, o);
                }
                char *out = hull_json_dumps(arr, JSON_PRESERVE_ORDER | JSON_COMPACT);
                json_decref(arr);
                puts(out ? out : "[]");
                free(out);
        } else {
                size_t w[4] = { 2, 3, 6, 6 };
                for (size_t i = 0; i < n; i++) {
                        size_t l = strlen(v[i]->id);
                        w[0] = l > w[0] ? l : w[0];
                        char pid[16];
                        l = (size_t) snprintf(pid, sizeof(pid), "%d", (int) v[i]->pid);
                        w[1] = l > w[1] ? l : w[1];
                        l = strlen(v[i]->bundle);
                        w[3] = l > w[3] ? l : w[3];
                }
                w[2] = 8;
                printf("%-*s   %-*s   %-*s   %-*s   %-30s   %s\n", (int) w[0], "ID", (int) w[1], "PID", (int) w[2],
                       "STATUS", (int) w[3], "BUNDLE", "CREATED", "OWNER");
                for (size_t i = 0; i < n; i++)
                        printf("%-*s   %-*d   %-*s   %-*s   %-30s   %s\n", (int) w[0], v[i]->id, (int) w[1],
                               (int) v[i]->pid, (int) w[2], hull_status_name(v[i]->status), (int) w[3], v[i]->bundle,
                               v[i]->created, v[i]->owner);
        }
        for (size_t i = 0; i < n; i++)
                hull_state_free(v[i]);
        free(v);
        return 0;
}
