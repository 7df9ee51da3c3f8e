/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Shared by the image unit tests: scratch directories, files, tars in memory. */

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "image/stream.h"
#include "image/tar.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strv.h"

/* A fresh directory under /tmp (removed by th_rmtree). */
static inline char *th_mkdtemp(const char *tag) {
        char *p = NULL;
        assert_true(asprintf(&p, "/tmp/hull-test-%s.XXXXXX", tag) > 0);
        assert_non_null(mkdtemp(p));
        return p;
}

static inline void th_rmtree(char *p) {
        if (p) {
                hull_rm_rf_at(AT_FDCWD, p);
                free(p);
        }
}

static inline void th_write(const char *dir, const char *name, const char *content, mode_t mode) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        assert_true(fd >= 0);
        size_t n = strlen(content);
        assert_int_equal(write(fd, content, n), (ssize_t) n);
        close(fd);
        assert_int_equal(chmod(p, mode), 0);
}

static inline void th_mkdir(const char *dir, const char *name) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        assert_int_equal(mkdir(p, 0755), 0);
}

static inline bool th_exists(const char *dir, const char *name) {
        char p[4096];
        struct stat st;
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        return lstat(p, &st) == 0;
}

static inline char *th_read(const char *dir, const char *name) {
        char p[4096];
        char *buf = NULL;
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        if (hull_read_file_at(AT_FDCWD, p, 0, &buf, NULL) < 0)
                return NULL;
        return buf;
}

/* Number of entries in a directory (excluding . and ..). */
static inline int th_count(const char *dir) {
        char cmd[4200];
        snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
        FILE *f = popen(cmd, "r");
        int n = -1;
        assert_non_null(f);
        assert_int_equal(fscanf(f, "%d", &n), 1);
        pclose(f);
        return n;
}

/* A tar being built in memory with the writer. */
typedef struct th_tar {
        hull_ostream *mem;
        hull_tar_writer *w;
} th_tar;

static inline void th_tar_begin(th_tar *t) {
        t->mem = hull_ostream_mem_new();
        assert_non_null(t->mem);
        t->w = hull_tar_writer_new(t->mem);
        assert_non_null(t->w);
}

static inline void th_tar_add(th_tar *t, char type, const char *path, const char *link_or_data, uint32_t mode) {
        hull_tar_entry e = { .path = (char *) path, .type = (hull_tar_type) type, .mode = mode };
        hull_error *err = NULL;
        if (type == HULL_TAR_REG)
                e.size = link_or_data ? strlen(link_or_data) : 0;
        else
                e.linkname = (char *) link_or_data;
        assert_int_equal(hull_tar_write_header(t->w, &e, &err), 0);
        if (type == HULL_TAR_REG && e.size)
                assert_int_equal(hull_tar_write_data(t->w, link_or_data, e.size, &err), 0);
}

/* Ends the archive; returns its bytes (owned by t until th_tar_free). */
static inline const char *th_tar_end(th_tar *t, size_t *len) {
        hull_error *err = NULL;
        assert_int_equal(hull_tar_writer_finish(t->w, &err), 0);
        return hull_ostream_mem_data(t->mem, len);
}

static inline void th_tar_free(th_tar *t) {
        hull_tar_writer_free(t->w);
        hull_ostream_free(t->mem);
}
