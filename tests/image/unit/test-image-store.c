/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The layout store: commits (reproducible), names, layers on top, garbage
 * collection, refusing corrupt blobs, and atomicity under injected faults
 * (the Nth rename, fsync or write fails) and after a dead writer. */
#include "helpers.h"

#include <dirent.h>
#include <sys/wait.h>

#include "image/image.h"
#include "image/layout.h"
#include "util/sys.h"

static char *tmp;

static int setup(void **state) {
        tmp = th_mkdtemp("store");
        unsetenv("SOURCE_DATE_EPOCH");
        return 0;
}

static int teardown(void **state) {
        th_rmtree(tmp);
        tmp = NULL;
        return 0;
}

static char *path(const char *name) {
        char *p = NULL;
        assert_true(asprintf(&p, "%s/%s", tmp, name) > 0);
        return p;
}

static hull_store *open_store(const char *name) {
        char *p = path(name);
        hull_store *s = NULL;
        hull_error *err = NULL;
        if (hull_store_open(p, HULL_STORE_CREATE, &s, &err) < 0)
                fail_msg("open %s: %s", p, err->msg);
        free(p);
        return s;
}

/* A small root filesystem; `variant` changes only mtimes and creation order. */
static char *make_tree(const char *name, int variant) {
        char *d = path(name);
        assert_int_equal(mkdir(d, 0755), 0);
        const char *files[] = { "etc/hostname", "bin/tool", "a.txt", "etc/motd" };
        th_mkdir(d, variant ? "etc" : "bin");
        th_mkdir(d, variant ? "bin" : "etc");
        for (int k = 0; k < 4; k++) {
                int i = variant ? 3 - k : k;
                th_write(d, files[i], files[i], i == 1 ? 0755 : 0644);
        }
        char p[4096];
        snprintf(p, sizeof(p), "%s/bin/link", d);
        assert_int_equal(symlink("tool", p), 0);
        const char *all[] = { "etc/hostname", "bin/tool", "a.txt", "etc/motd", "etc", "bin", "bin/link" };
        for (size_t i = 0; i < ELEMENTSOF(all); i++) {
                struct timespec ts[2] = { { .tv_sec = 1600000000 + variant * 86400 * 3 + (time_t) i } };
                ts[1] = ts[0];
                snprintf(p, sizeof(p), "%s/%s", d, all[i]);
                assert_int_equal(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), 0);
        }
        return d;
}

static int commit(hull_store *s, const char *dir, const char *ref, const hull_image_opts *o, char digest[HULL_DIGEST_BUF],
                  hull_error **err) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        int r = hull_image_commit(s, fd, ref, o, digest, err);
        close(fd);
        return r;
}

static void commit_ok(hull_store *s, const char *dir, const char *ref, const hull_image_opts *o, char digest[HULL_DIGEST_BUF]) {
        hull_error *err = NULL;
        if (commit(s, dir, ref, o, digest, &err) < 0)
                fail_msg("commit %s: %s", ref, err->msg);
}

static void reproducible(void **state) {
        char *d1 = make_tree("tree1", 0), *d2 = make_tree("tree2", 1);
        hull_store *s1 = open_store("s1"), *s2 = open_store("s2");
        hull_image_opts o;
        hull_image_opts_init(&o);
        const char *cmd[] = { "/bin/tool", NULL };
        o.cmd = (char *const *) cmd;
        char a[HULL_DIGEST_BUF], b[HULL_DIGEST_BUF], c[HULL_DIGEST_BUF], e[HULL_DIGEST_BUF];
        commit_ok(s1, d1, "img", &o, a);
        commit_ok(s2, d2, "img", &o, b);
        assert_string_equal(a, b);
        /* Two threads or one: the same layer. */
        o.threads = 1;
        commit_ok(s2, d2, "img1", &o, c);
        assert_string_equal(a, c);
        /* SOURCE_DATE_EPOCH moves `created` and clamps mtimes (the trees'
         * are later): a new digest, the same from both trees. */
        setenv("SOURCE_DATE_EPOCH", "1500000000", 1);
        commit_ok(s1, d1, "sde", &o, c);
        commit_ok(s2, d2, "sde", &o, e);
        unsetenv("SOURCE_DATE_EPOCH");
        assert_string_equal(c, e);
        assert_string_not_equal(a, c);
        hull_error *err = NULL;
        char *doc = NULL;
        assert_int_equal(hull_image_inspect(s1, "sde", &doc, &err), 0);
        assert_non_null(strstr(doc, "\"created\": \"2017-07-14T02:40:00Z\""));
        free(doc);
        setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
        assert_true(commit(s1, d1, "bad", &o, c, &err) < 0);
        assert_int_equal(err->status, HULL_IMAGE_EXIT_USAGE);
        hull_error_free(err);
        unsetenv("SOURCE_DATE_EPOCH");
        /* zstd layers are reproducible too. */
        o.compression = HULL_COMPRESSION_ZSTD;
        commit_ok(s1, d1, "z", &o, a);
        commit_ok(s2, d2, "z", &o, b);
        assert_string_equal(a, b);
        hull_store_free(s1);
        hull_store_free(s2);
        free(d1);
        free(d2);
}

static size_t count_blobs(const char *store) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s/blobs/sha256", tmp, store);
        return (size_t) th_count(p);
}

static void names_and_gc(void **state) {
        char *d = make_tree("tree", 0);
        hull_store *s = open_store("s");
        char dg[HULL_DIGEST_BUF];
        commit_ok(s, d, "a", NULL, dg);
        hull_error *err = NULL;
        assert_int_equal(hull_image_tag(s, "a", "registry.example:5000/x/b:v1", &err), 0);
        hull_descriptor desc = { 0 };
        char *name = NULL;
        assert_int_equal(hull_store_resolve(s, "registry.example:5000/x/b:v1", &desc, &name, &err), 0);
        assert_string_equal(desc.digest, dg);
        assert_string_equal(name, "registry.example:5000/x/b:v1");
        free(name);
        hull_descriptor_done(&desc);
        assert_int_equal(hull_store_resolve(s, dg, &desc, NULL, &err), 0);
        hull_descriptor_done(&desc);
        char prefix[16];
        snprintf(prefix, sizeof(prefix), "%.12s", hull_digest_hex(dg));
        assert_int_equal(hull_store_resolve(s, prefix, &desc, NULL, &err), 0);
        hull_descriptor_done(&desc);
        assert_true(hull_store_resolve(s, "nope", &desc, NULL, &err) < 0);
        assert_int_equal(err->status, HULL_IMAGE_EXIT_NOT_FOUND);
        hull_error_free(err);
        err = NULL;

        hull_image_info *v;
        size_t n;
        assert_int_equal(hull_image_list(s, &v, &n, &err), 0);
        assert_int_equal(n, 2);
        assert_string_equal(v[0].name, "a:latest");
        assert_int_equal(v[0].n_layers, 1);
        hull_image_infos_free(v, n);

        size_t blobs;
        uint64_t bytes;
        assert_int_equal(count_blobs("s"), 3);
        assert_int_equal(hull_image_remove(s, "a", false, &blobs, &bytes, &err), 0);
        assert_int_equal(blobs, 0);
        assert_int_equal(hull_image_remove(s, "registry.example:5000/x/b:v1", false, &blobs, &bytes, &err), 0);
        assert_int_equal(blobs, 3);
        assert_true(bytes > 0);
        assert_int_equal(count_blobs("s"), 0);
        assert_true(hull_image_remove(s, "a", false, NULL, NULL, &err) < 0);
        assert_int_equal(err->status, HULL_IMAGE_EXIT_NOT_FOUND);
        hull_error_free(err);
        hull_store_free(s);
        free(d);
}

static void append_layers(void **state) {
        char *d = make_tree("tree", 0);
        char *up = path("upper");
        assert_int_equal(mkdir(up, 0755), 0);
        th_mkdir(up, "etc");
        th_write(up, "etc/.wh.motd", "", 0644);
        th_write(up, "new", "new", 0644);
        hull_store *s = open_store("s");
        char base[HULL_DIGEST_BUF], top[HULL_DIGEST_BUF], meta[HULL_DIGEST_BUF];
        commit_ok(s, d, "base", NULL, base);
        hull_image_opts o;
        hull_image_opts_init(&o);
        const char *env[] = { "A=1", NULL };
        o.env = (char *const *) env;
        o.created_by = "step 2";
        int fd = open(up, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        hull_error *err = NULL;
        if (hull_image_append(s, "base", fd, "top", &o, top, &err) < 0)
                fail_msg("%s", err->msg);
        close(fd);
        const char *env2[] = { "A=2", "B=3", NULL };
        o.env = (char *const *) env2;
        o.created_by = "ENV";
        assert_int_equal(hull_image_append(s, "top", -1, "meta", &o, meta, &err), 0);

        char *doc = NULL;
        assert_int_equal(hull_image_inspect(s, "meta", &doc, &err), 0);
        assert_non_null(strstr(doc, "\"Env\": [\n        \"A=2\",\n        \"B=3\"\n      ]"));
        assert_non_null(strstr(doc, "\"empty_layer\": true"));
        assert_non_null(strstr(doc, "\"org.opencontainers.image.base.name\": \"top:latest\""));
        free(doc);
        hull_descriptor desc = { 0 };
        hull_manifest *m = NULL;
        hull_image_config *c = NULL;
        assert_int_equal(hull_store_resolve(s, "meta", &desc, NULL, &err), 0);
        assert_int_equal(hull_store_read_manifest(s, &desc, &m, &err), 0);
        assert_int_equal(hull_store_read_config(s, &m->config, &c, NULL, &err), 0);
        assert_int_equal(m->n_layers, 2);
        assert_int_equal(c->n_diff_ids, 2);
        assert_int_equal(c->n_history, 3);
        assert_string_equal(c->history[1].created_by, "step 2");
        hull_manifest_free(m);
        hull_image_config_free(c);
        hull_descriptor_done(&desc);

        char *root = path("rootfs");
        assert_int_equal(mkdir(root, 0755), 0);
        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        hull_unpack_opts uo;
        hull_unpack_opts_init(&uo);
        if (hull_image_unpack_rootfs(s, "meta", fd, &uo, &err) < 0)
                fail_msg("%s", err->msg);
        close(fd);
        assert_true(th_exists(root, "etc/hostname"));
        assert_false(th_exists(root, "etc/motd"));
        assert_true(th_exists(root, "new"));
        assert_true(th_exists(root, "bin/link"));
        hull_store_free(s);
        free(root);
        free(up);
        free(d);
}

static void corrupt_blob_refused(void **state) {
        char *d = make_tree("tree", 0);
        hull_store *s = open_store("s");
        char dg[HULL_DIGEST_BUF];
        commit_ok(s, d, "img", NULL, dg);
        hull_descriptor desc = { 0 };
        hull_manifest *m = NULL;
        hull_error *err = NULL;
        assert_int_equal(hull_store_resolve(s, "img", &desc, NULL, &err), 0);
        assert_int_equal(hull_store_read_manifest(s, &desc, &m, &err), 0);
        /* Flip a byte of the layer blob. */
        char p[4096];
        snprintf(p, sizeof(p), "%s/s/blobs/sha256/%s", tmp, hull_digest_hex(m->layers[0].digest));
        int fd = open(p, O_RDWR | O_CLOEXEC);
        assert_true(fd >= 0);
        char c;
        assert_int_equal(pread(fd, &c, 1, 20), 1);
        c ^= 1;
        assert_int_equal(pwrite(fd, &c, 1, 20), 1);
        close(fd);
        char *root = path("rootfs");
        assert_int_equal(mkdir(root, 0755), 0);
        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(hull_image_unpack_rootfs(s, "img", fd, NULL, &err) < 0);
        close(fd);
        assert_non_null(strstr(err->msg, "does not match its digest"));
        assert_int_equal(err->status, HULL_IMAGE_EXIT_INVALID);
        hull_error_free(err);
        err = NULL;
        assert_int_equal(th_count(root), 0);
        /* A bundle is refused too, and leaves nothing behind. */
        char *bundle = path("bundle");
        assert_true(hull_image_bundle(s, "img", bundle, NULL, &err) < 0);
        hull_error_free(err);
        err = NULL;
        assert_false(access(bundle, F_OK) == 0);
        /* A corrupt manifest. */
        snprintf(p, sizeof(p), "%s/s/blobs/sha256/%s", tmp, hull_digest_hex(dg));
        fd = open(p, O_WRONLY | O_APPEND | O_CLOEXEC);
        assert_int_equal(write(fd, " ", 1), 1);
        close(fd);
        char *doc = NULL;
        assert_true(hull_image_inspect(s, "img", &doc, &err) < 0);
        assert_non_null(strstr(err->msg, "corrupt"));
        hull_error_free(err);
        hull_manifest_free(m);
        hull_descriptor_done(&desc);
        hull_store_free(s);
        free(bundle);
        free(root);
        free(d);
}

/* The store as a string: index.json, the blobs, and .hull/tmp's entries. */
static char *snapshot(const char *store) {
        char cmd[8192];
        snprintf(cmd, sizeof(cmd), "cd '%s/%s' && cat index.json && ls blobs/sha256 && echo tmp: && ls -A .hull/tmp", tmp, store);
        FILE *f = popen(cmd, "r");
        assert_non_null(f);
        char *buf = calloc(1, 1 << 16);
        size_t n = fread(buf, 1, (1 << 16) - 1, f);
        buf[n] = 0;
        pclose(f);
        return buf;
}

#ifdef HULL_FAULT_INJECTION
/* Commits in a child with HULL_FAULT=spec; returns the child's exit status. */
static int commit_with_fault(const char *store, const char *dir, const char *spec) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                setenv("HULL_FAULT", spec, 1);
                if (hull_sys_fault_init() < 0)
                        _exit(99);
                char p[4096];
                snprintf(p, sizeof(p), "%s/%s", tmp, store);
                hull_store *s = NULL;
                hull_error *err = NULL;
                if (hull_store_open(p, 0, &s, &err) < 0)
                        _exit(98);
                int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                char dg[HULL_DIGEST_BUF];
                hull_image_opts o;
                hull_image_opts_init(&o);
                o.compression = HULL_COMPRESSION_ZSTD;
                int r = hull_image_commit(s, fd, "new", &o, dg, &err);
                hull_store_free(s);
                _exit(r < 0 ? 1 : 0);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}
#endif

#ifdef HULL_FAULT_INJECTION
static void faults_leave_store_unchanged(void **state) {
        char *d = make_tree("tree", 0), *d2 = make_tree("tree2", 1);
        th_write(d2, "extra", "something only the new image has", 0644);
        hull_store *s = open_store("s");
        char dg[HULL_DIGEST_BUF];
        commit_ok(s, d, "old", NULL, dg);
        hull_store_free(s);
        char *before = snapshot("s");
        const char *kinds[] = { "rename", "fsync", "write_file" };
        const char *errs[] = { "EIO", "ENOSPC", "ENOSPC" };
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                unsigned failures = 0, successes = 0;
                for (unsigned n = 1;; n++) {
                        char spec[64];
                        snprintf(spec, sizeof(spec), "%s:%u:%s", kinds[k], n, errs[k]);
                        int rc = commit_with_fault("s", d2, spec);
                        assert_true(rc == 0 || rc == 1);
                        char *after = snapshot("s");
                        if (rc == 1) {
                                failures++;
                                if (strcmp(before, after) != 0)
                                        fail_msg("%s: the store changed:\n--- before\n%s\n--- after\n%s", spec, before, after);
                        } else {
                                /* The fault came after the point of no return (or
                                 * never): the new image is complete. */
                                hull_store *s2 = open_store("s");
                                hull_error *err = NULL;
                                char *root = path("check");
                                assert_int_equal(mkdir(root, 0755), 0);
                                int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                                if (hull_image_unpack_rootfs(s2, "new", fd, NULL, &err) < 0)
                                        fail_msg("%s: %s", spec, err->msg);
                                close(fd);
                                assert_true(th_exists(root, "extra"));
                                th_rmtree(root);
                                assert_int_equal(hull_image_remove(s2, "new", false, NULL, NULL, &err), 0);
                                hull_store_free(s2);
                                char *again = snapshot("s");
                                assert_string_equal(before, again);
                                free(again);
                        }
                        free(after);
                        /* Past the last call of that kind, every run succeeds. */
                        successes = rc == 0 ? successes + 1 : 0;
                        if (successes == 2)
                                break;
                        if (n > 400)
                                fail_msg("%s: no success after %u faults", kinds[k], n);
                }
                print_message("# %s: %u injected failures left the store unchanged\n", kinds[k], failures);
                assert_true(failures > 0);
        }
        free(before);
        free(d);
        free(d2);
}
#endif

static void dead_writer_leftovers(void **state) {
        char *d = make_tree("tree", 0);
        hull_store *s = open_store("s");
        char dg[HULL_DIGEST_BUF];
        commit_ok(s, d, "img", NULL, dg);
        hull_store_free(s);
        char *before = snapshot("s");
        /* What a writer killed mid-way leaves: its temporary directory and a
         * blob no name reaches. */
        char p[4096];
        snprintf(p, sizeof(p), "%s/s/.hull/tmp/txn-1-dead-0", tmp);
        assert_int_equal(mkdir(p, 0700), 0);
        th_write(p, "blob-0", "partial", 0644);
        snprintf(p, sizeof(p), "%s/s/blobs/sha256", tmp);
        th_write(p, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc", 0644);
        char *dirty = snapshot("s");
        assert_string_not_equal(before, dirty);
        /* The next writer cleans up. */
        s = open_store("s");
        hull_error *err = NULL;
        hull_store_txn *t = NULL;
        assert_int_equal(hull_store_txn_begin(s, &t, &err), 0);
        hull_store_txn_free(t);
        hull_store_free(s);
        char *after = snapshot("s");
        assert_string_equal(before, after);
        free(before);
        free(dirty);
        free(after);
        free(d);
}

static void missing_store(void **state) {
        char *p = path("none");
        hull_store *s = NULL;
        hull_error *err = NULL;
        assert_true(hull_store_open(p, 0, &s, &err) < 0);
        assert_int_equal(err->status, HULL_IMAGE_EXIT_NOT_FOUND);
        hull_error_free(err);
        free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(reproducible, setup, teardown),
                cmocka_unit_test_setup_teardown(names_and_gc, setup, teardown),
                cmocka_unit_test_setup_teardown(append_layers, setup, teardown),
                cmocka_unit_test_setup_teardown(corrupt_blob_refused, setup, teardown),
#ifdef HULL_FAULT_INJECTION /* the -Dfault_injection=true (ASan) build */
                cmocka_unit_test_setup_teardown(faults_leave_store_unchanged, setup, teardown),
#endif
                cmocka_unit_test_setup_teardown(dead_writer_leftovers, setup, teardown),
                cmocka_unit_test_setup_teardown(missing_store, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
