/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull tag: another name for an image. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "util/cleanup.h"

int hull_verb_tag(int argc, char **argv);

static const img_verb verb = {
        "tag", "[options] SOURCE TARGET", "Give an image another name",
        "SOURCE is NAME[:TAG] or a digest (prefix); TARGET is NAME[:TAG] (\":latest\" when\n"
        "no tag).  A TARGET that named another image now names this one.\n",
        2, 2,
};

int hull_verb_tag(int argc, char **argv) {
        _cleanup_free_ char **args = NULL;
        int status;
        if (img_start(argc, argv, &verb, NULL, 0, &args, &status) < 0)
                return status;
        hull_error *err = NULL;
        hull_store *s = NULL;
        if (img_open_store(false, &s, &err) < 0)
                return img_fail(err);
        int r = hull_image_tag(s, args[0], args[1], &err);
        hull_store_free(s);
        return r < 0 ? img_fail(err) : 0;
}
