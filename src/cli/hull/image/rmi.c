/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull rmi: remove names, then the blobs no image needs. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "util/cleanup.h"

int hull_verb_rmi(int argc, char **argv);

static const img_verb verb = {
        "rmi", "[options] IMAGE...", "Remove images and collect the blobs no image needs",
        "IMAGE is NAME[:TAG] (removes that name) or a manifest digest or unique prefix\n"
        "(removes every name of that image).  Then every blob that no remaining\n"
        "image reaches is deleted (waiting for other users of the store to finish).\n"
        "With no IMAGE and --prune, only the collection runs.\n",
        0, SIZE_MAX,
};

int hull_verb_rmi(int argc, char **argv) {
        bool keep = false, prune = false;
        const img_opt opts[] = {
                { "keep-blobs", 0, IMG_OPT_BOOL, &keep, NULL, "remove the names only; leave the blobs for a later collection" },
                { "prune", 0, IMG_OPT_BOOL, &prune, NULL, "collect unreferenced blobs (also without IMAGE)" },
        };
        _cleanup_free_ char **args = NULL;
        int status;
        if (img_start(argc, argv, &verb, opts, ELEMENTSOF(opts), &args, &status) < 0)
                return status;
        if (!args[0] && !prune)
                return img_usage_error(&verb, "no image given (or --prune)");
        hull_error *err = NULL;
        hull_store *s = NULL;
        if (img_open_store(false, &s, &err) < 0)
                return img_fail(err);
        int worst = 0;
        size_t blobs = 0;
        uint64_t bytes = 0;
        for (size_t i = 0; args[i]; i++) {
                if (hull_image_remove(s, args[i], true, NULL, NULL, &err) < 0) {
                        int r = img_fail(err);
                        err = NULL;
                        if (!worst)
                                worst = r;
                        continue;
                }
                printf("Removed: %s\n", args[i]);
        }
        if (!keep && hull_store_gc(s, &blobs, &bytes, &err) < 0) {
                int r = img_fail(err);
                if (!worst)
                        worst = r;
        } else if (!keep) {
                char b[32];
                printf("Collected: %zu blob%s, %s\n", blobs, blobs == 1 ? "" : "s", img_human_size(bytes, b));
        }
        hull_store_free(s);
        return worst;
}
