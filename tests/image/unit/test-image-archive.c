/* SPDX-License-Identifier: GPL-2.0-or-later */
/* save and load: round trips in both formats, reproducible archives, and
 * archives that lie or try to escape -- refused, the store unchanged. */
#include "helpers.h"

#include "image/digest.h"
#include "image/image.h"
#include "image/layout.h"
#include "image/manifest.h"

static char *tmp;

static int setup(void **state) {
        tmp = th_mkdtemp("archive");
        unsetenv("SOURCE_DATE_EPOCH");
        return 0;
}

static int teardown(void **state) {
        th_rmtree(tmp);
        tmp = NULL;
        return 0;
}

static hull_store *open_store(const char *name) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", tmp, name);
        hull_store *s = NULL;
        hull_error *err = NULL;
        if (hull_store_open(p, HULL_STORE_CREATE, &s, &err) < 0)
                fail_msg("%s", err->msg);
        return s;
}

static char *snapshot(const char *store) {
        char cmd[8192];
        snprintf(cmd, sizeof(cmd), "cd '%s/%s' && cat index.json && ls blobs/sha256 && echo tmp: && ls -A .hull/tmp", tmp, store);
        FILE *f = popen(cmd, "r");
        char *buf = calloc(1, 1 << 16);
        size_t n = fread(buf, 1, (1 << 16) - 1, f);
        buf[n] = 0;
        pclose(f);
        return buf;
}

static void make_image(hull_store *s, const char *ref, char digest[HULL_DIGEST_BUF]) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/tree-%s", tmp, ref);
        assert_int_equal(mkdir(p, 0755), 0);
        th_write(p, "hello", ref, 0644);
        th_mkdir(p, "dir");
        th_write(p, "dir/x", "xx", 0755);
        int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        hull_error *err = NULL;
        hull_image_opts o;
        hull_image_opts_init(&o);
        const char *cmd[] = { "/hello", NULL };
        o.cmd = (char *const *) cmd;
        if (hull_image_commit(s, fd, ref, &o, digest, &err) < 0)
                fail_msg("%s", err->msg);
        close(fd);
}

static char *save(hull_store *s, const char *ref, hull_archive_format f, const char *file) {
        char *p = NULL;
        assert_true(asprintf(&p, "%s/%s", tmp, file) > 0);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        hull_error *err = NULL;
        char *refs[] = { (char *) ref, NULL };
        if (hull_image_save(s, refs, f, fd, &err) < 0)
                fail_msg("%s", err->msg);
        close(fd);
        return p;
}

/* Loads a file; returns 0 or the error status. */
static int load_file(hull_store *s, const char *file, const char *name, char ***names, char **msg) {
        int fd = open(file, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        hull_error *err = NULL;
        int r = hull_image_load(s, fd, name, names, &err);
        close(fd);
        if (msg)
                *msg = err ? strdup(err->msg) : NULL;
        int status = r < 0 ? (err->status ? err->status : 1) : 0;
        hull_error_free(err);
        return status;
}

static void oci_round_trip(void **state) {
        hull_store *a = open_store("a"), *b = open_store("b");
        char dg[HULL_DIGEST_BUF];
        make_image(a, "img:1", dg);
        char *f1 = save(a, "img:1", HULL_ARCHIVE_OCI, "1.tar");
        char **names = NULL;
        assert_int_equal(load_file(b, f1, NULL, &names, NULL), 0);
        assert_string_equal(names[0], "img:1");
        hull_strv_free(names);
        hull_descriptor d = { 0 };
        hull_error *err = NULL;
        assert_int_equal(hull_store_resolve(b, "img:1", &d, NULL, &err), 0);
        assert_string_equal(d.digest, dg);
        hull_descriptor_done(&d);
        /* The same image saved from the other store: the same bytes. */
        char *f2 = save(b, "img:1", HULL_ARCHIVE_OCI, "2.tar");
        char *x = th_read(tmp, "1.tar"), *y = th_read(tmp, "2.tar");
        assert_non_null(x);
        assert_non_null(y);
        struct stat s1, s2;
        assert_int_equal(stat(f1, &s1), 0);
        assert_int_equal(stat(f2, &s2), 0);
        assert_int_equal(s1.st_size, s2.st_size);
        assert_memory_equal(x, y, (size_t) s1.st_size);
        /* Renamed on load. */
        assert_int_equal(load_file(b, f1, "other:2", &names, NULL), 0);
        assert_string_equal(names[0], "other:2");
        hull_strv_free(names);
        free(x);
        free(y);
        free(f1);
        free(f2);
        hull_store_free(a);
        hull_store_free(b);
}

static void docker_round_trip(void **state) {
        hull_store *a = open_store("a"), *b = open_store("b");
        char dg[HULL_DIGEST_BUF];
        make_image(a, "img:1", dg);
        char *f = save(a, "img:1", HULL_ARCHIVE_DOCKER, "d.tar");
        char **names = NULL;
        char *msg = NULL;
        if (load_file(b, f, NULL, &names, &msg) != 0)
                fail_msg("%s", msg);
        assert_string_equal(names[0], "img:1");
        hull_strv_free(names);
        /* gzip-compressed archives load too. */
        char cmd[8192];
        snprintf(cmd, sizeof(cmd), "gzip -c %s > %s.gz", f, f);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof(cmd), "%s.gz", f);
        assert_int_equal(load_file(b, cmd, "gz:1", &names, NULL), 0);
        hull_strv_free(names);
        /* The config (and so the diff_ids) survive: unpack works. */
        char root[4096];
        snprintf(root, sizeof(root), "%s/root", tmp);
        assert_int_equal(mkdir(root, 0755), 0);
        int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        hull_error *err = NULL;
        if (hull_image_unpack_rootfs(b, "gz:1", fd, NULL, &err) < 0)
                fail_msg("%s", err->msg);
        close(fd);
        char *hello = th_read(root, "hello");
        assert_string_equal(hello, "img:1");
        free(hello);
        free(f);
        hull_store_free(a);
        hull_store_free(b);
}

/* ---- hostile archives ---- */

typedef enum tamper {
        T_NONE,
        T_BLOB_CONTENT,    /* a blob's bytes do not match its name */
        T_MISSING_LAYER,
        T_DOTDOT_MEMBER,
        T_ABS_MEMBER,
        T_SYMLINK_OUT,
        T_DEVICE,
        T_DOCKER_DIFF_ID,  /* docker: a layer that is not its diff_id */
        T_DOCKER_CONFIG,   /* docker: a config that is not <its digest>.json */
        T_NEITHER,
} tamper;

static void add_file(th_tar *t, const char *name, const char *data, size_t len) {
        hull_tar_entry e = { .path = (char *) name, .type = HULL_TAR_REG, .mode = 0644, .size = len };
        hull_error *err = NULL;
        assert_int_equal(hull_tar_write_header(t->w, &e, &err), 0);
        assert_int_equal(hull_tar_write_data(t->w, data, len, &err), 0);
}

static char *write_archive(tamper how) {
        /* The layer: an uncompressed tar with one file. */
        th_tar layer;
        th_tar_begin(&layer);
        th_tar_add(&layer, HULL_TAR_REG, "hello", "hi", 0644);
        size_t llen;
        const char *ldata = th_tar_end(&layer, &llen);
        char ldg[HULL_DIGEST_BUF], cdg[HULL_DIGEST_BUF], mdg[HULL_DIGEST_BUF];
        hull_digest_data(ldata, llen, ldg);
        char config[1024];
        snprintf(config, sizeof(config),
                 "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
                 how == T_DOCKER_DIFF_ID ? "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" : ldg);
        hull_digest_data(config, strlen(config), cdg);
        char manifest[2048];
        snprintf(manifest, sizeof(manifest),
                 "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu},"
                 "\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu}]}",
                 HULL_MT_OCI_MANIFEST, HULL_MT_OCI_CONFIG, cdg, strlen(config), HULL_MT_OCI_LAYER, ldg, llen);
        hull_digest_data(manifest, strlen(manifest), mdg);
        char index[1024];
        snprintf(index, sizeof(index),
                 "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu,"
                 "\"annotations\":{\"org.opencontainers.image.ref.name\":\"hostile:1\"}}]}",
                 HULL_MT_OCI_MANIFEST, mdg, strlen(manifest));
        th_tar t;
        th_tar_begin(&t);
        char name[128];
        if (how == T_DOCKER_DIFF_ID || how == T_DOCKER_CONFIG) {
                snprintf(name, sizeof(name), "%s.json", hull_digest_hex(how == T_DOCKER_CONFIG ? ldg : cdg));
                add_file(&t, name, config, strlen(config));
                add_file(&t, "layer.tar", ldata, llen);
                char mj[512];
                snprintf(mj, sizeof(mj), "[{\"Config\":\"%s\",\"RepoTags\":[\"hostile:1\"],\"Layers\":[\"layer.tar\"]}]", name);
                add_file(&t, "manifest.json", mj, strlen(mj));
        } else if (how == T_NEITHER) {
                add_file(&t, "README", "hi", 2);
        } else {
                snprintf(name, sizeof(name), "blobs/sha256/%s", hull_digest_hex(cdg));
                add_file(&t, name, config, strlen(config));
                snprintf(name, sizeof(name), "blobs/sha256/%s", hull_digest_hex(ldg));
                if (how == T_BLOB_CONTENT)
                        add_file(&t, name, "not the layer", 13);
                else if (how != T_MISSING_LAYER)
                        add_file(&t, name, ldata, llen);
                snprintf(name, sizeof(name), "blobs/sha256/%s", hull_digest_hex(mdg));
                add_file(&t, name, manifest, strlen(manifest));
                add_file(&t, "index.json", index, strlen(index));
                add_file(&t, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
                if (how == T_DOTDOT_MEMBER)
                        add_file(&t, "../../escaped", "x", 1);
                if (how == T_ABS_MEMBER) {
                        char p[4096];
                        snprintf(p, sizeof(p), "%s/escaped", tmp);
                        add_file(&t, p, "x", 1);
                }
                if (how == T_SYMLINK_OUT)
                        th_tar_add(&t, HULL_TAR_SYMLINK, "blobs/evil", "../../../etc/passwd", 0777);
                if (how == T_DEVICE) {
                        hull_error *err = NULL;
                        hull_tar_entry e = { .path = "dev", .type = HULL_TAR_CHAR, .mode = 0666, .devmajor = 1, .devminor = 3 };
                        assert_int_equal(hull_tar_write_header(t.w, &e, &err), 0);
                }
        }
        size_t len;
        const char *data = th_tar_end(&t, &len);
        char *p = NULL;
        assert_true(asprintf(&p, "%s/hostile-%d.tar", tmp, (int) how) > 0);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_int_equal(write(fd, data, len), (ssize_t) len);
        close(fd);
        th_tar_free(&t);
        th_tar_free(&layer);
        return p;
}

static void hostile(void **state) {
        hull_store *s = open_store("s");
        char dg[HULL_DIGEST_BUF];
        make_image(s, "existing", dg);
        char *before = snapshot("s");
        static const struct {
                tamper how;
                int status;
                const char *needle;
        } cases[] = {
                { T_BLOB_CONTENT, HULL_IMAGE_EXIT_INVALID, "does not match its digest" },
                { T_MISSING_LAYER, HULL_IMAGE_EXIT_INVALID, "missing from the archive" },
                { T_DOTDOT_MEMBER, HULL_IMAGE_EXIT_UNSAFE, "\"..\"" },
                { T_ABS_MEMBER, HULL_IMAGE_EXIT_UNSAFE, "absolute path" },
                { T_SYMLINK_OUT, HULL_IMAGE_EXIT_UNSAFE, "outside the archive" },
                { T_DEVICE, HULL_IMAGE_EXIT_INVALID, "unexpected entry type" },
                { T_DOCKER_DIFF_ID, HULL_IMAGE_EXIT_INVALID, "diff_id" },
                { T_DOCKER_CONFIG, HULL_IMAGE_EXIT_INVALID, "does not match its digest" },
                { T_NEITHER, HULL_IMAGE_EXIT_INVALID, "neither an OCI archive" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *f = write_archive(cases[i].how);
                char *msg = NULL;
                int st = load_file(s, f, NULL, NULL, &msg);
                if (st != cases[i].status || !msg || !strstr(msg, cases[i].needle))
                        fail_msg("case %zu: expected %d \"%s\", got %d \"%s\"", i, cases[i].status, cases[i].needle, st, msg ? msg : "");
                free(msg);
                char *after = snapshot("s");
                assert_string_equal(before, after);
                free(after);
                assert_false(th_exists(tmp, "escaped"));
                free(f);
        }
        /* And the untampered archive loads. */
        char *f = write_archive(T_NONE);
        char **names = NULL;
        char *msg = NULL;
        if (load_file(s, f, NULL, &names, &msg) != 0)
                fail_msg("%s", msg);
        assert_string_equal(names[0], "hostile:1");
        hull_strv_free(names);
        free(f);
        free(before);
        hull_store_free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(oci_round_trip, setup, teardown),
                cmocka_unit_test_setup_teardown(docker_round_trip, setup, teardown),
                cmocka_unit_test_setup_teardown(hostile, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
