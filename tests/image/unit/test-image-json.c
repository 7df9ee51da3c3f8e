/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Manifest, index and config parsing (errors name the JSON path), image
 * names, and --change instructions. */
#include "helpers.h"

#include "image/image.h"
#include "image/manifest.h"

#define D1 "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define D2 "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void expect_manifest_error(const char *json, const char *needle) {
        hull_error *err = NULL;
        hull_manifest *m = NULL;
        assert_true(hull_manifest_parse(json, strlen(json), "m.json", &m, &err) < 0);
        assert_null(m);
        if (!strstr(err->msg, needle))
                fail_msg("expected \"%s\" in \"%s\"", needle, err->msg);
        assert_int_equal(err->status, HULL_IMAGE_EXIT_INVALID);
        hull_error_free(err);
}

static void manifest(void **state) {
        const char *ok = "{\"schemaVersion\":2,\"mediaType\":\"" HULL_MT_OCI_MANIFEST "\","
                         "\"config\":{\"mediaType\":\"" HULL_MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":2},"
                         "\"layers\":[{\"mediaType\":\"" HULL_MT_OCI_LAYER_GZIP "\",\"digest\":\"" D2 "\",\"size\":10,"
                         "\"annotations\":{\"a\":\"b\"}}],\"annotations\":{\"k\":\"v\"},\"unknown\":[1,2]}";
        hull_error *err = NULL;
        hull_manifest *m = NULL;
        assert_int_equal(hull_manifest_parse(ok, strlen(ok), "m.json", &m, &err), 0);
        assert_string_equal(m->config.digest, D1);
        assert_int_equal(m->n_layers, 1);
        assert_int_equal(m->layers[0].size, 10);
        assert_string_equal(hull_image_kv_get(m->layers[0].annotations, m->layers[0].n_annotations, "a"), "b");
        assert_string_equal(hull_image_kv_get(m->annotations, m->n_annotations, "k"), "v");
        /* What hull writes reads back the same. */
        char *again = hull_manifest_to_json(m);
        hull_manifest *m2 = NULL;
        assert_int_equal(hull_manifest_parse(again, strlen(again), "again", &m2, &err), 0);
        assert_string_equal(m2->layers[0].digest, D2);
        free(again);
        hull_manifest_free(m2);
        hull_manifest_free(m);

        expect_manifest_error("[]", "expected a JSON object");
        expect_manifest_error("{", "invalid JSON");
        expect_manifest_error("{\"schemaVersion\":1}", "schemaVersion: expected 2");
        expect_manifest_error("{\"schemaVersion\":2,\"layers\":[]}", "config: required descriptor is missing");
        expect_manifest_error("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:00\",\"size\":1},\"layers\":[]}",
                              "config.digest: expected sha256:<64");
        expect_manifest_error("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1 "\",\"size\":-1},\"layers\":[]}",
                              "config.size: expected a non-negative integer");
        expect_manifest_error("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1 "\",\"size\":1},\"layers\":{}}",
                              "layers: expected an array");
        expect_manifest_error("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1 "\",\"size\":1},"
                              "\"layers\":[{\"mediaType\":\"x\",\"digest\":\"" D1 "\",\"size\":1},{\"digest\":\"" D1 "\",\"size\":1}]}",
                              "layers[1].mediaType: required string is missing");
        expect_manifest_error("{\"schemaVersion\":2,\"mediaType\":\"" HULL_MT_OCI_INDEX "\",\"manifests\":[]}", "is not an image manifest");
        expect_manifest_error("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha512:ab\",\"size\":1},\"layers\":[]}",
                              "sha512 digests are not supported");
        expect_manifest_error("{\"schemaVersion\":2,\"schemaVersion\":2}", "invalid JSON");
}

static void index_json(void **state) {
        const char *ok = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" HULL_MT_OCI_MANIFEST "\",\"digest\":\"" D1
                         "\",\"size\":3,\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"},"
                         "\"annotations\":{\"" HULL_ANNOTATION_REF_NAME "\":\"a:b\"}}]}";
        hull_error *err = NULL;
        hull_index *x = NULL;
        assert_int_equal(hull_index_parse(ok, strlen(ok), "index.json", &x, &err), 0);
        assert_int_equal(x->n_manifests, 1);
        assert_true(x->manifests[0].has_platform);
        assert_string_equal(x->manifests[0].variant, "v7");
        hull_index_free(x);
        const char *bad = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1
                          "\",\"size\":3,\"platform\":{\"os\":\"linux\"}}]}";
        assert_true(hull_index_parse(bad, strlen(bad), "index.json", &x, &err) < 0);
        assert_non_null(strstr(err->msg, "index.json: manifests[0].platform.architecture: required string is missing"));
        hull_error_free(err);
}

static void config(void **state) {
        const char *ok = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"1:2\",\"Env\":[\"A=1\"],"
                         "\"Cmd\":[\"sh\"],\"ExposedPorts\":{\"80/tcp\":{}},\"Labels\":{\"l\":\"v\"},\"StopSignal\":\"SIGINT\"},"
                         "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]},"
                         "\"history\":[{\"created_by\":\"x\",\"empty_layer\":true}]}";
        hull_error *err = NULL;
        hull_image_config *c = NULL;
        assert_int_equal(hull_image_config_parse(ok, strlen(ok), "config", &c, &err), 0);
        assert_string_equal(c->user, "1:2");
        assert_string_equal(c->exposed_ports[0], "80/tcp");
        assert_string_equal(c->stop_signal, "SIGINT");
        assert_int_equal(c->n_diff_ids, 1);
        assert_true(c->history[0].empty_layer);
        hull_image_config_free(c);
        static const struct {
                const char *json, *needle;
        } bad[] = {
                { "{\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", "architecture: required string is missing" },
                { "{\"architecture\":\"a\",\"os\":\"linux\"}", "rootfs: required object is missing" },
                { "{\"architecture\":\"a\",\"os\":\"linux\",\"rootfs\":{\"type\":\"zfs\",\"diff_ids\":[]}}", "rootfs.type: expected \"layers\"" },
                { "{\"architecture\":\"a\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[1]}}", "rootfs.diff_ids[0]" },
                { "{\"architecture\":\"a\",\"os\":\"linux\",\"config\":{\"Env\":[1]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
                  "config.Env[0]: expected a string" },
                { "{\"architecture\":\"a\",\"os\":\"linux\",\"config\":{\"Labels\":{\"k\":1}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
                  "config.Labels.k: expected a string" },
                { "{\"architecture\":\"a\",\"os\":\"linux\",\"history\":[{\"empty_layer\":\"yes\"}],\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
                  "history[0].empty_layer: expected a boolean" },
                { "{\"architecture\":\"a\\u0000b\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", "invalid JSON" },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_true(hull_image_config_parse(bad[i].json, strlen(bad[i].json), "config", &c, &err) < 0);
                if (!strstr(err->msg, bad[i].needle))
                        fail_msg("expected \"%s\" in \"%s\"", bad[i].needle, err->msg);
                hull_error_free(err);
                err = NULL;
        }
}

static void names(void **state) {
        static const struct {
                const char *in, *out;
        } ok[] = {
                { "busybox", "busybox:latest" },
                { "busybox:1.36", "busybox:1.36" },
                { "library/busybox:x", "library/busybox:x" },
                { "localhost:5000/a/b", "localhost:5000/a/b:latest" },
                { "registry.example.com/a-b__c.d/e:V_1.0-rc", "registry.example.com/a-b__c.d/e:V_1.0-rc" },
        };
        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                char *n = NULL;
                hull_error *err = NULL;
                assert_int_equal(hull_image_ref_normalize(ok[i].in, &n, &err), 0);
                assert_string_equal(n, ok[i].out);
                free(n);
        }
        const char *bad[] = { "", "Busybox", "a//b", "a/", "-a", "a:", "a:-x", "a:b:c", "a@sha256:00", "a b", "a..b", "a___b",
                              "../x", "a:" "01234567890123456789012345678901234567890123456789012345678901234567890123456789"
                                      "0123456789012345678901234567890123456789012345678" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *n = NULL;
                hull_error *err = NULL;
                if (hull_image_ref_normalize(bad[i], &n, &err) == 0)
                        fail_msg("\"%s\" accepted as \"%s\"", bad[i], n);
                assert_int_equal(err->status, HULL_IMAGE_EXIT_USAGE);
                hull_error_free(err);
        }
}

static void changes(void **state) {
        hull_image_changes c = { 0 };
        hull_error *err = NULL;
        assert_int_equal(hull_image_change_apply(&c, "CMD [\"echo\", \"a b\"]", &err), 0);
        assert_string_equal(c.cmd[1], "a b");
        assert_int_equal(hull_image_change_apply(&c, "cmd echo hi", &err), 0);
        assert_string_equal(c.cmd[0], "/bin/sh");
        assert_string_equal(c.cmd[2], "echo hi");
        assert_int_equal(hull_image_change_apply(&c, "ENTRYPOINT [\"/init\"]", &err), 0);
        assert_int_equal(hull_image_change_apply(&c, "ENV A=1 B=\"two words\" C='x y'", &err), 0);
        assert_int_equal(hull_image_change_apply(&c, "ENV OLD the rest of the line", &err), 0);
        assert_string_equal(c.env[1], "B=two words");
        assert_string_equal(c.env[2], "C=x y");
        assert_string_equal(c.env[3], "OLD=the rest of the line");
        assert_int_equal(hull_image_change_apply(&c, "LABEL a=b", &err), 0);
        assert_int_equal(hull_image_change_apply(&c, "EXPOSE 80 53/udp", &err), 0);
        assert_int_equal(hull_image_change_apply(&c, "VOLUME [\"/data\"]", &err), 0);
        assert_int_equal(hull_image_change_apply(&c, "VOLUME /a /b", &err), 0);
        assert_int_equal(hull_image_change_apply(&c, "WORKDIR /srv/app", &err), 0);
        assert_int_equal(hull_image_change_apply(&c, "USER nobody:nogroup", &err), 0);
        assert_int_equal(hull_image_change_apply(&c, "STOPSIGNAL SIGQUIT", &err), 0);
        assert_int_equal(hull_strv_length(c.volumes), 3);
        assert_string_equal(c.user, "nobody:nogroup");
        const char *bad[] = { "RUN rm -rf /", "ENV", "ENV A=\"unterminated", "USER a b", "CMD", "EXPOSE", "LABEL =x" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                if (hull_image_change_apply(&c, bad[i], &err) == 0)
                        fail_msg("\"%s\" accepted", bad[i]);
                assert_int_equal(err->status, HULL_IMAGE_EXIT_USAGE);
                hull_error_free(err);
                err = NULL;
        }
        hull_image_changes_done(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(manifest),
                cmocka_unit_test(index_json),
                cmocka_unit_test(config),
                cmocka_unit_test(names),
                cmocka_unit_test(changes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
