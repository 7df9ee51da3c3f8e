/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull save: images into an oci-archive or a docker-archive. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "util/cleanup.h"
#include "util/sys.h"

int hull_verb_save(int argc, char **argv);

static const img_verb verb = {
        "save", "[options] IMAGE...", "Write images to an archive (oci-archive or docker-archive)",
        "oci-archive is an OCI image layout in a tar (skopeo's oci-archive:FILE);\n"
        "docker-archive is `docker save`'s format, which `docker load` reads (its\n"
        "layers are written uncompressed).  The archive is reproducible: the same\n"
        "images give the same bytes.  FILE is written under a temporary name and\n"
        "renamed when complete; without -o (or with -o -) the archive goes to\n"
        "stdout, which must not be a terminal.\n",
        1, SIZE_MAX,
};

int hull_verb_save(int argc, char **argv) {
        const char *output = NULL, *format = "oci-archive";
        const img_opt opts[] = {
                { "output", 'o', IMG_OPT_STRING, &output, "FILE", "write to FILE (default: stdout)" },
                { "format", 0, IMG_OPT_STRING, &format, "FORMAT", "oci-archive (default) or docker-archive" },
        };
        _cleanup_free_ char **args = NULL;
        int status;
        if (img_start(argc, argv, &verb, opts, ELEMENTSOF(opts), &args, &status) < 0)
                return status;
        int f = hull_archive_format_from_name(format);
        if (f < 0)
                return img_usage_error(&verb, "--format: expected oci-archive or docker-archive, got \"%s\"", format);
        bool to_stdout = !output || strcmp(output, "-") == 0;
        if (to_stdout && isatty(STDOUT_FILENO))
                return img_usage_error(&verb, "refusing to write an archive to a terminal: use -o FILE");

        hull_error *err = NULL;
        hull_store *s = NULL;
        if (img_open_store(false, &s, &err) < 0)
                return img_fail(err);
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -1;
        if (to_stdout)
                fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        else if (asprintf(&tmp, "%s.hull-tmp-%d", output, (int) getpid()) >= 0)
                fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
                hull_error_set(&err, errno, "create %s", to_stdout ? "stdout" : output);
                hull_store_free(s);
                return img_fail(err);
        }
        int r = hull_image_save(s, args, (hull_archive_format) f, fd, &err);
        hull_store_free(s);
        if (r >= 0 && !to_stdout) {
                if (sys_fsync(fd) < 0)
                        r = hull_error_set(&err, errno, "fsync %s", output);
                else if (sys_renameat(AT_FDCWD, tmp, AT_FDCWD, output) < 0)
                        r = hull_error_set(&err, errno, "rename %s to %s", tmp, output);
        }
        if (r < 0) {
                if (tmp)
                        (void) unlink(tmp);
                return img_fail(err);
        }
        return 0;
}
