/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull inspect: what an image is made of. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "image/manifest.h"
#include "util/cleanup.h"
#include "util/json.h"

int hull_verb_inspect(int argc, char **argv);

static const img_verb verb = {
        "inspect", "[options] IMAGE...", "Show an image's manifest, config and layers",
        "IMAGE is NAME[:TAG], a manifest digest or a unique prefix of one.  Without\n"
        "--json, a summary; with --json, a JSON array with one object per IMAGE:\n"
        "{Name, Digest, Tags, Size, Manifest, Config} (Manifest and Config as stored).\n",
        1, SIZE_MAX,
};

static void strv_line(const char *label, char **v) {
        if (!v)
                return;
        printf("%-12s", label);
        for (char **p = v; *p; p++)
                printf(" %s", *p);
        printf("\n");
}

static int summary(const char *ref) {
        hull_error *err = NULL;
        hull_store *s = NULL;
        hull_descriptor d = { 0 };
        _cleanup_free_ char *name = NULL;
        _cleanup_manifest_ hull_manifest *m = NULL;
        _cleanup_image_config_ hull_image_config *c = NULL;
        _cleanup_free_ char *doc = NULL;
        if (img_open_store(false, &s, &err) < 0)
                return img_fail(err);
        int r = hull_image_inspect(s, ref, &doc, &err);
        if (r >= 0)
                r = hull_store_resolve(s, ref, &d, &name, &err);
        if (r >= 0)
                r = hull_store_read_manifest(s, &d, &m, &err);
        if (r >= 0)
                r = hull_store_read_config(s, &m->config, &c, NULL, &err);
        hull_store_free(s);
        if (r < 0) {
                hull_descriptor_done(&d);
                return img_fail(err);
        }
        json_t *j = hull_json_loads(doc, 0, NULL);
        char size[32];
        printf("%-12s %s\n", "Name:", name ? name : "<none>");
        printf("%-12s %s\n", "Digest:", d.digest);
        printf("%-12s", "Tags:");
        json_t *tags = json_object_get(j, "Tags");
        for (size_t i = 0; i < json_array_size(tags); i++)
                printf(" %s", json_string_value(json_array_get(tags, i)));
        printf("\n%-12s %s\n", "Created:", c->created ? c->created : "-");
        printf("%-12s %s/%s%s%s\n", "Platform:", c->os, c->architecture, c->variant ? "/" : "", c->variant ? c->variant : "");
        printf("%-12s %s\n", "Size:", img_human_size((uint64_t) json_integer_value(json_object_get(j, "Size")), size));
        printf("%-12s %s\n", "Config:", m->config.digest);
        if (c->author)
                printf("%-12s %s\n", "Author:", c->author);
        strv_line("Entrypoint:", c->entrypoint);
        strv_line("Cmd:", c->cmd);
        strv_line("Env:", c->env);
        if (c->workdir)
                printf("%-12s %s\n", "WorkingDir:", c->workdir);
        if (c->user)
                printf("%-12s %s\n", "User:", c->user);
        if (c->stop_signal)
                printf("%-12s %s\n", "StopSignal:", c->stop_signal);
        strv_line("Ports:", c->exposed_ports);
        strv_line("Volumes:", c->volumes);
        for (size_t i = 0; i < c->n_labels; i++)
                printf("%-12s %s=%s\n", i ? "" : "Labels:", c->labels[i].key, c->labels[i].value);
        for (size_t i = 0; i < m->n_annotations; i++)
                printf("%-12s %s=%s\n", i ? "" : "Annotations:", m->annotations[i].key, m->annotations[i].value);
        printf("Layers:\n");
        for (size_t i = 0; i < m->n_layers; i++)
                printf("  %s  %9s  %s\n", m->layers[i].digest, img_human_size(m->layers[i].size, size), m->layers[i].media_type);
        printf("History:\n");
        for (size_t i = 0; i < c->n_history; i++)
                printf("  %s  %s%s\n", c->history[i].created ? c->history[i].created : "-",
                       c->history[i].created_by ? c->history[i].created_by : "", c->history[i].empty_layer ? "  (no layer)" : "");
        json_decref(j);
        hull_descriptor_done(&d);
        return 0;
}

int hull_verb_inspect(int argc, char **argv) {
        bool json = false;
        const img_opt opts[] = {
                { "json", 0, IMG_OPT_BOOL, &json, NULL, "print JSON (an array, one object per IMAGE)" },
        };
        _cleanup_free_ char **args = NULL;
        int status;
        if (img_start(argc, argv, &verb, opts, ELEMENTSOF(opts), &args, &status) < 0)
                return status;
        if (!json) {
                int worst = 0;
                for (size_t i = 0; args[i]; i++) {
                        if (i > 0)
                                printf("\n");
                        int r = summary(args[i]);
                        if (r && !worst)
                                worst = r;
                }
                return worst;
        }
        hull_error *err = NULL;
        hull_store *s = NULL;
        if (img_open_store(false, &s, &err) < 0)
                return img_fail(err);
        json_t *a = json_array();
        int worst = 0;
        for (size_t i = 0; args[i]; i++) {
                _cleanup_free_ char *doc = NULL;
                if (hull_image_inspect(s, args[i], &doc, &err) < 0) {
                        int r = img_fail(err);
                        err = NULL;
                        if (!worst)
                                worst = r;
                        continue;
                }
                json_array_append_new(a, hull_json_loads(doc, 0, NULL));
        }
        hull_store_free(s);
        char *text = json_dumps(a, JSON_INDENT(2));
        json_decref(a);
        printf("%s\n", text ? text : "[]");
        free(text);
        return worst;
}
