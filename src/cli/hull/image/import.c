/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull import: a directory as an image (one layer), or as a layer on top of
 * another image. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "util/cleanup.h"
#include "util/strv.h"

int hull_verb_import(int argc, char **argv);

static const img_verb verb = {
        "import", "[options] DIR -t NAME[:TAG]", "Commit a directory as an image",
        "Archives DIR (not crossing mount points) as one layer and stores the image\n"
        "as NAME[:TAG]; with --base, the layer goes on top of the base image's (DIR\n"
        "then holds changes: .wh.NAME files, or overlayfs whiteouts with\n"
        "--overlay-whiteouts, delete NAME); with --base and no DIR, only the config\n"
        "changes.  Reproducible: entries sorted, owners 0:0 (unless --keep-owner),\n"
        "mtimes clamped to $SOURCE_DATE_EPOCH (or 0), which is also the image's\n"
        "`created`; no gzip name or time.  The same directory gives the same\n"
        "manifest digest, whoever imports it, wherever and whenever.\n"
        "--change takes Dockerfile instructions: CMD, ENTRYPOINT, ENV, EXPOSE,\n"
        "LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR.  Prints the manifest digest.\n",
        0, 1,
};

int hull_verb_import(int argc, char **argv) {
        const char *tag = NULL, *base = NULL, *compression = "gzip", *level = NULL, *message = NULL, *author = NULL,
                   *platform = NULL;
        _cleanup_strv_ char **changes = NULL, **labels = NULL, **annotations = NULL;
        bool keep_owner = false, overlay = false;
        const img_opt opts[] = {
                { "tag", 't', IMG_OPT_STRING, &tag, "NAME[:TAG]", "the image's name (required)" },
                { "base", 0, IMG_OPT_STRING, &base, "IMAGE", "add DIR as a layer on top of IMAGE" },
                { "compression", 0, IMG_OPT_STRING, &compression, "ALGO", "gzip (default), zstd or none" },
                { "level", 0, IMG_OPT_STRING, &level, "N", "compression level (gzip 1-12, default 6; zstd 1-19, default 3)" },
                { "change", 'c', IMG_OPT_LIST, &changes, "INSTRUCTION", "a Dockerfile instruction, e.g. 'CMD [\"sh\"]' (repeatable)" },
                { "message", 'm', IMG_OPT_STRING, &message, "TEXT", "the history entry's comment" },
                { "author", 0, IMG_OPT_STRING, &author, "NAME", "the image's author" },
                { "label", 'l', IMG_OPT_LIST, &labels, "KEY=VALUE", "a config label (repeatable)" },
                { "annotation", 'a', IMG_OPT_LIST, &annotations, "KEY=VALUE", "a manifest annotation (repeatable)" },
                { "platform", 0, IMG_OPT_STRING, &platform, "OS/ARCH[/VARIANT]", "the image's platform (default: the host's)" },
                { "keep-owner", 0, IMG_OPT_BOOL, &keep_owner, NULL, "keep files' owners (default: 0:0)" },
                { "overlay-whiteouts", 0, IMG_OPT_BOOL, &overlay, NULL, "DIR is an overlayfs upper directory" },
        };
        _cleanup_free_ char **args = NULL;
        int status;
        if (img_start(argc, argv, &verb, opts, ELEMENTSOF(opts), &args, &status) < 0)
                return status;
        if (!tag)
                return img_usage_error(&verb, "-t NAME[:TAG] is required");
        if (!args[0] && !base)
                return img_usage_error(&verb, "missing DIR");
        hull_image_opts o;
        hull_image_opts_init(&o);
        if ((status = img_parse_compression(&verb, compression, level, &o.compression, &o.level)) >= 0)
                return status;
        hull_error *err = NULL;
        hull_image_changes ch = { 0 };
        for (char **p = changes; p && *p; p++)
                if (hull_image_change_apply(&ch, *p, &err) < 0) {
                        hull_image_changes_done(&ch);
                        return img_fail(err);
                }
        hull_image_changes_to_opts(&ch, &o);
        /* --label adds to what --change LABEL set. */
        for (char **p = labels; p && *p; p++)
                if (hull_strv_push(&ch.labels, *p) < 0) {
                        hull_image_changes_done(&ch);
                        return 1;
                }
        o.labels = ch.labels;
        o.annotations = annotations;
        o.comment = message;
        o.author = author;
        o.keep_owner = keep_owner;
        o.overlay_whiteouts = overlay;
        _cleanup_free_ char *plat = platform ? strdup(platform) : NULL;
        if (plat) {
                char *arch = strchr(plat, '/');
                char *variant = arch ? strchr(arch + 1, '/') : NULL;
                if (!arch || !arch[1] || arch == plat || (variant && !variant[1])) {
                        hull_image_changes_done(&ch);
                        return img_usage_error(&verb, "--platform: expected OS/ARCH[/VARIANT], got \"%s\"", platform);
                }
                *arch++ = 0;
                if (variant)
                        *variant++ = 0;
                o.os = plat;
                o.architecture = arch;
                o.variant = variant ? variant : "";
        }
        _cleanup_free_ char *created_by = NULL;
        if (asprintf(&created_by, "hull import%s%s", base ? " --base " : "", base ? base : "") < 0)
                created_by = NULL;
        o.created_by = created_by;
        if (img_progress_wanted())
                o.progress = img_progress;

        _cleanup_close_ int dfd = -1;
        if (args[0] && (dfd = open(args[0], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
                hull_error_set(&err, errno, "open %s", args[0]);
                hull_image_changes_done(&ch);
                return img_fail(err);
        }
        hull_store *s = NULL;
        if (img_open_store(true, &s, &err) < 0) {
                hull_image_changes_done(&ch);
                return img_fail(err);
        }
        char digest[HULL_DIGEST_BUF];
        int r = base ? hull_image_append(s, base, dfd, tag, &o, digest, &err) : hull_image_commit(s, dfd, tag, &o, digest, &err);
        img_progress_done();
        hull_store_free(s);
        hull_image_changes_done(&ch);
        if (r < 0)
                return img_fail(err);
        printf("%s\n", digest);
        return 0;
}
