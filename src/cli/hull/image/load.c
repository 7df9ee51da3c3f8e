/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull load: images from an oci-archive or a docker-archive. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "util/cleanup.h"
#include "util/strv.h"

int hull_verb_load(int argc, char **argv);

static const img_verb verb = {
        "load", "[options]", "Add the images of an archive to the store",
        "Reads an oci-archive or a docker-archive (as `hull save`, `skopeo copy` or\n"
        "`docker save` write them; plain, gzip or zstd), from FILE or stdin.  Every\n"
        "blob is checked against its digest and every docker layer against its\n"
        "diff_id before anything is named; an archive member with an absolute path\n"
        "or \"..\" is refused.  Images keep their names in the archive\n"
        "(org.opencontainers.image.ref.name when it is NAME:TAG, RepoTags), or get\n"
        "--tag.  Prints \"Loaded image: NAME\" (or the digest of an unnamed image).\n",
        0, 0,
};

int hull_verb_load(int argc, char **argv) {
        const char *input = NULL, *tag = NULL;
        const img_opt opts[] = {
                { "input", 'i', IMG_OPT_STRING, &input, "FILE", "read FILE (default: stdin)" },
                { "tag", 't', IMG_OPT_STRING, &tag, "NAME[:TAG]", "name the (single) image of the archive" },
        };
        _cleanup_free_ char **args = NULL;
        int status;
        if (img_start(argc, argv, &verb, opts, ELEMENTSOF(opts), &args, &status) < 0)
                return status;
        bool from_stdin = !input || strcmp(input, "-") == 0;
        if (from_stdin && isatty(STDIN_FILENO))
                return img_usage_error(&verb, "refusing to read an archive from a terminal: use -i FILE");
        hull_error *err = NULL;
        _cleanup_close_ int fd = from_stdin ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3) : open(input, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                hull_error_set(&err, errno, "open %s", from_stdin ? "stdin" : input);
                return img_fail(err);
        }
        hull_store *s = NULL;
        if (img_open_store(true, &s, &err) < 0)
                return img_fail(err);
        _cleanup_strv_ char **names = NULL;
        int r = hull_image_load(s, fd, tag, &names, &err);
        hull_store_free(s);
        if (r < 0)
                return img_fail(err);
        for (char **n = names; n && *n; n++)
                printf("Loaded image: %s\n", *n);
        return 0;
}
