/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Image JSON: manifests, indexes and configs (what hull writes must parse
 * again), image names and `--change` instructions.  The first byte picks
 * the parser; the rest is the document. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "image/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1)
                return 0;
        const char *doc = (const char *) data + 1;
        size_t len = size - 1;
        hull_error *err = NULL;
        switch (data[0] % 5) {
        case 0: {
                hull_manifest *m = NULL;
                if (hull_manifest_parse(doc, len, "manifest", &m, &err) == 0) {
                        char *again = hull_manifest_to_json(m);
                        hull_manifest *m2 = NULL;
                        if (!again || hull_manifest_parse(again, strlen(again), "again", &m2, &err) < 0)
                                abort(); /* what hull writes, hull must read */
                        if (m2->n_layers != m->n_layers || strcmp(m2->config.digest, m->config.digest) != 0)
                                abort();
                        hull_manifest_free(m2);
                        free(again);
                        hull_manifest_free(m);
                }
                break;
        }
        case 1: {
                hull_index *x = NULL;
                if (hull_index_parse(doc, len, "index", &x, &err) == 0)
                        hull_index_free(x);
                break;
        }
        case 2: {
                hull_image_config *c = NULL;
                if (hull_image_config_parse(doc, len, "config", &c, &err) == 0)
                        hull_image_config_free(c);
                break;
        }
        case 3: {
                char *line = strndup(doc, len);
                hull_image_changes ch = { 0 };
                if (line)
                        for (char *save = NULL, *l = strtok_r(line, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                                hull_error_free(err);
                                err = NULL;
                                (void) hull_image_change_apply(&ch, l, &err);
                        }
                hull_image_changes_done(&ch);
                free(line);
                break;
        }
        default: {
                char *ref = strndup(doc, len), *norm = NULL;
                if (ref && hull_image_ref_normalize(ref, &norm, &err) == 0) {
                        /* A normalized name is its own normal form. */
                        char *again = NULL;
                        if (hull_image_ref_normalize(norm, &again, &err) < 0 || strcmp(again, norm) != 0)
                                abort();
                        free(again);
                        free(norm);
                }
                free(ref);
                break;
        }
        }
        hull_error_free(err);
        return 0;
}
