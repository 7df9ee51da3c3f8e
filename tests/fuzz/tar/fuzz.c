/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tar reader, then the extractor (after the decompressor's format
 * detection: plain, gzip or zstd input) on a scratch directory.  The oracle
 * beyond the sanitizers: the directory beside the root ("outside") must
 * stay empty, whatever the archive says.  Scratch directories are removed
 * after every input and at exit. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image.h"
#include "image/stream.h"
#include "image/tar.h"
#include "image/unpack.h"
#include "util/fs.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[80];

static void quiet(hull_log_level level, const char *msg, void *userdata) {
        (void) level, (void) msg, (void) userdata;
}

static void cleanup(void) {
        if (scratch[0])
                hull_rm_rf_at(AT_FDCWD, scratch);
}

static void read_all(const uint8_t *data, size_t size) {
        hull_error *err = NULL;
        hull_istream *in = hull_istream_mem_new(data, size);
        hull_tar_reader *r = hull_tar_reader_new(in, "fuzz");
        const hull_tar_entry *e;
        char buf[4096];
        while (hull_tar_next(r, &e, &err) > 0) {
                (void) hull_tar_where(r);
                ssize_t n;
                while ((n = hull_tar_read(r, buf, sizeof(buf), &err)) > 0)
                        ;
                if (n < 0)
                        break;
        }
        hull_error_free(err);
        hull_tar_reader_free(r);
        hull_istream_free(in);
}

static bool empty_dir(int dfd, const char *name) {
        char p[160];
        snprintf(p, sizeof(p), "%s/%s", scratch, name);
        (void) dfd;
        struct stat st;
        if (lstat(p, &st) < 0 || !S_ISDIR(st.st_mode))
                return false;
        return rmdir(p) == 0 && mkdir(p, 0755) == 0; /* ENOTEMPTY otherwise */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (!scratch[0]) {
                hull_log_set_sink(quiet, NULL, HULL_LOG_ERROR);
                const char *tmp = getenv("TMPDIR"); /* /dev/shm makes fuzzing faster */
                snprintf(scratch, sizeof(scratch), "%s/hull-fuzz-tar.XXXXXX", tmp && strlen(tmp) < 32 ? tmp : "/tmp");
                if (!mkdtemp(scratch))
                        abort();
                atexit(cleanup);
                char p[160];
                snprintf(p, sizeof(p), "%s/outside", scratch);
                if (mkdir(p, 0755) < 0)
                        abort();
        }
        read_all(data, size);

        int sfd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sfd < 0 || mkdirat(sfd, "root", 0755) < 0)
                abort();
        int rootfd = openat(sfd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        hull_error *err = NULL;
        hull_istream *in = hull_istream_mem_new(data, size), *dec = NULL;
        if (hull_istream_decompress_new(in, HULL_COMPRESSION_AUTO, "fuzz", &dec, &err) == 0) {
                hull_unpack_opts o = { .as_root = false };
                (void) hull_unpack_layer(rootfd, dec, "fuzz", &o, &err);
        }
        hull_error_free(err);
        hull_istream_free(dec);
        hull_istream_free(in);
        close(rootfd);
        if (hull_rm_rf_at(sfd, "root") < 0) {
                /* Make what remains removable (a mode 0 directory...). */
                char cmd[240];
                snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s/root 2>/dev/null; rm -rf %s/root", scratch, scratch);
                if (system(cmd) != 0)
                        abort();
        }
        /* Nothing may have been written beside the root. */
        if (!empty_dir(sfd, "outside")) {
                fprintf(stderr, "fuzz-tar: the archive wrote outside the root\n");
                abort();
        }
        close(sfd);
        return 0;
}
