/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "spec/spec.h"
#include "spec/jsonpath.h"
#include "spec/prescan.h"

#define BASE_PROCESS "\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"]}"
#define BASE_ROOT "\"root\":{\"path\":\"rootfs\"}"

static void default_spec_parses(void **state) {
        char *json = hull_spec_default_json(false, 0, 0);
        assert_non_null(json);
        hull_spec *s = NULL;
        hull_error *err = NULL;
        int r = hull_spec_parse(json, strlen(json), "config.json", &s, &err);
        if (r < 0)
                fail_msg("%s", err->msg);
        assert_string_equal(s->process.args[0], "sh");
        assert_true(s->ns[HULL_NS_PID].present);
        assert_true(s->ns[HULL_NS_MOUNT].present);
        assert_false(s->ns[HULL_NS_USER].present);
        assert_int_equal(s->n_mounts, 7);
        assert_true(s->root_readonly);
        assert_int_equal(s->process.n_rlimits, 1);
        assert_int_equal(s->process.rlimits[0].resource, RLIMIT_NOFILE);
        assert_true(s->process.caps.present);
        assert_int_equal(s->process.caps.bounding, (1ull << 29) | (1ull << 5) | (1ull << 10));
        assert_int_equal(s->resources.n_devices, 1);
        assert_false(s->resources.devices[0].allow);
        hull_spec_free(s);
        free(json);
}

static void rootless_spec_parses(void **state) {
        char *json = hull_spec_default_json(true, 1000, 1000);
        hull_spec *s = NULL;
        hull_error *err = NULL;
        int r = hull_spec_parse(json, strlen(json), "config.json", &s, &err);
        if (r < 0)
                fail_msg("%s", err->msg);
        assert_true(s->ns[HULL_NS_USER].present);
        assert_false(s->ns[HULL_NS_NETWORK].present);
        assert_int_equal(s->n_uid_mappings, 1);
        assert_int_equal(s->uid_mappings[0].host_id, 1000);
        assert_false(s->has_resources);
        hull_spec_free(s);
        free(json);
}

static void unknown_fields_ignored(void **state) {
        const char *j = "{\"ociVersion\":\"1.0.2\",\"futureField\":{\"x\":1}," BASE_PROCESS "," BASE_ROOT
                        ",\"linux\":{\"somethingNew\":true}}";
        hull_spec *s = NULL;
        hull_error *err = NULL;
        assert_int_equal(hull_spec_parse(j, strlen(j), "config.json", &s, &err), 0);
        hull_spec_free(s);
}

/* Each bad document and the words its error must contain. */
static const struct {
        const char *json;
        const char *expect;
} bad[] = {
        { "not json", "config.json:1:" },
        { "[]", "expected a JSON object" },
        { "{\"process\":{}}", "ociVersion: required string is missing" },
        { "{\"ociVersion\":2}", "ociVersion: expected a string, got an integer" },
        { "{\"ociVersion\":\"2.0.0\"," BASE_ROOT "}", "ociVersion: version \"2.0.0\" is not supported" },
        { "{\"ociVersion\":\"1.0.2\"}", "root: required object is missing" },
        { "{\"ociVersion\":\"1.0.2\",\"root\":{}}", "root.path: required string is missing" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"args\":[]}}",
          "process.args: expected a non-empty array of strings" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"args\":[1]}}",
          "process.args[0]: expected a string, got an integer" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"process\":{\"cwd\":\"rel\",\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"]}}",
          "process.cwd: must be an absolute path" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":\"x\",\"gid\":0},\"args\":[\"a\"]}}",
          "process.user.uid: expected an integer, got a string" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"process\":{\"cwd\":\"/\",\"user\":{\"gid\":0},\"args\":[\"a\"]}}",
          "process.user.uid: required integer is missing" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"env\":[\"NOEQUALS\"]}}",
          "process.env[0]: expected NAME=VALUE" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"rlimits\":[{\"type\":\"RLIMIT_BOGUS\",\"soft\":1,\"hard\":1}]}}",
          "process.rlimits[0].type: unknown rlimit \"RLIMIT_BOGUS\"" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":1}]}}",
          "process.rlimits[0]: soft limit 10 is above hard limit 1" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],\"capabilities\":{\"bounding\":[\"CAP_NOPE\"]}}}",
          "process.capabilities.bounding[0]: unknown capability \"CAP_NOPE\"" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"foo\"}]}}",
          "linux.namespaces[0].type: unknown namespace \"foo\"" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}",
          "linux.namespaces[1].type: namespace \"pid\" is given more than once" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}",
          "linux.uidMappings: a new user namespace needs at least one mapping" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
          "linux.uidMappings: mappings are given but linux.namespaces has no \"user\" namespace" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"mounts\":[{\"destination\":\"\"}]}",
          "mounts[0].destination: must not be empty" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"annotations\":{\"\":\"v\"}}", "annotations: keys must not be empty" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"mounts\":[{\"type\":\"tmpfs\"}]}",
          "mounts[0].destination: required string is missing" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"hooks\":{\"prestart\":[{\"path\":\"rel\"}]}}",
          "hooks.prestart[0].path: must be an absolute path" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\",\"timeout\":0}]}}",
          "hooks.poststop[0].timeout: 0 is out of range" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"hostname\":\"h\"}",
          "hostname: setting a hostname needs a new \"uts\" namespace" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"network\"}],\"sysctl\":{\"kernel.panic\":\"1\"}}}",
          "linux.sysctl.kernel.panic: sysctl is not namespaced" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}",
          "linux.sysctl.net.ipv4.ip_forward: a net.* sysctl needs a \"network\" namespace" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"rootfsPropagation\":\"weird\"}}",
          "linux.rootfsPropagation: expected one of" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"devices\":[{\"type\":\"x\",\"path\":\"/dev/x\"}]}}",
          "linux.devices[0].type: expected one of" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"resources\":{\"memory\":{\"limit\":\"1G\"}}}}",
          "linux.resources.memory.limit: expected an integer, got a string" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"resources\":{\"cpu\":{\"quota\":5}}}}",
          "linux.resources.cpu.quota: must be -1 or at least 1000" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"linux\":{\"resources\":{\"devices\":[{\"access\":\"rwm\"}]}}}",
          "linux.resources.devices[0].allow: required boolean is missing" },
        { "{\"ociVersion\":\"1.0.2\"," BASE_ROOT ",\"annotations\":{\"a\":1}}", "annotations.a: expected a string" },
        { "{\"ociVersion\":\"1.0.2\",\"ociVersion\":\"1.0.2\"," BASE_ROOT "}", "duplicate object key" },
};

static void bad_configs_name_the_path(void **state) {
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                hull_spec *s = NULL;
                hull_error *err = NULL;
                int r = hull_spec_parse(bad[i].json, strlen(bad[i].json), "config.json", &s, &err);
                if (r >= 0)
                        fail_msg("case %zu accepted: %s", i, bad[i].json);
                assert_non_null(err);
                if (!strstr(err->msg, bad[i].expect))
                        fail_msg("case %zu: error \"%s\" lacks \"%s\"", i, err->msg, bad[i].expect);
                assert_null(strchr(err->msg, '\n'));
                assert_null(s);
                hull_error_free(err);
        }
}

static void process_json_for_exec(void **state) {
        const char *j = "{\"cwd\":\"/tmp\",\"user\":{\"uid\":1,\"gid\":2,\"additionalGids\":[3,4]},\"args\":[\"ls\",\"-l\"],\"env\":[\"A=b\"],\"terminal\":true}";
        hull_spec_process p;
        hull_error *err = NULL;
        assert_int_equal(hull_spec_parse_process(j, strlen(j), "p.json", &p, &err), 0);
        assert_string_equal(p.args[1], "-l");
        assert_int_equal(p.user.n_additional_gids, 2);
        assert_int_equal(p.user.additional_gids[1], 4);
        assert_true(p.terminal);
        hull_spec_process_done(&p);
        const char *noargs = "{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}";
        assert_true(hull_spec_parse_process(noargs, strlen(noargs), "p.json", &p, &err) < 0);
        assert_non_null(strstr(err->msg, "p.json: args: expected a non-empty array of strings"));
        hull_error_free(err);
}

static void resources_parse(void **state) {
        const char *j = "{\"ociVersion\":\"1.0.2\"," BASE_ROOT
                        ",\"linux\":{\"resources\":{\"memory\":{\"limit\":1048576,\"swap\":-1},\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0\"},\"pids\":{\"limit\":64}}}}";
        hull_spec *s = NULL;
        hull_error *err = NULL;
        assert_int_equal(hull_spec_parse(j, strlen(j), "config.json", &s, &err), 0);
        assert_int_equal(s->resources.memory_limit, 1048576);
        assert_int_equal(s->resources.memory_swap, INT64_MAX);
        assert_int_equal(s->resources.cpu_shares, 512);
        assert_true(s->resources.has_cpu_quota);
        assert_int_equal(s->resources.cpu_quota, 50000);
        assert_string_equal(s->resources.cpu_cpus, "0");
        assert_int_equal(s->resources.pids_limit, 64);
        hull_spec_free(s);
}

static void features_json_lists_everything(void **state) {
        char *f = hull_spec_features_json();
        assert_non_null(f);
        assert_non_null(strstr(f, "\"createRuntime\""));
        assert_non_null(strstr(f, "\"time\""));
        assert_non_null(strstr(f, "\"CAP_CHECKPOINT_RESTORE\""));
        assert_non_null(strstr(f, "\"rro\""));
        free(f);
}

/* The paths that errors name, built without printf: joined, indexed, and cut
 * (never overrun) at the buffer's size, as snprintf would cut them. */
static void json_paths_join_index_and_truncate(void **state) {
        char b[32];
        hull_jsonpath_key(b, sizeof(b), "linux", "seccomp");
        assert_string_equal(b, "linux.seccomp");
        hull_jsonpath_key(b, sizeof(b), NULL, "process");
        assert_string_equal(b, "process");
        hull_jsonpath_key(b, sizeof(b), "", "mounts");
        assert_string_equal(b, "mounts");
        hull_jsonpath_index(b, sizeof(b), "mounts", 0);
        assert_string_equal(b, "mounts[0]");
        hull_jsonpath_index(b, sizeof(b), "process.args", 1234567);
        assert_string_equal(b, "process.args[1234567]");
        char small[8];
        memset(small, 'x', sizeof(small));
        hull_jsonpath_key(small, sizeof(small), "abcdef", "ghij");
        assert_string_equal(small, "abcdef.");
        hull_jsonpath_index(small, sizeof(small), "abcde", 42);
        assert_string_equal(small, "abcde[4");
        char exact[6];
        hull_jsonpath_index(exact, sizeof(exact), "abcde", 7);
        assert_string_equal(exact, "abcde");
}

static hull_spec_prescan prescan(const char *json) {
        hull_spec_prescan p;
        memset(&p, 0xff, sizeof(p)); /* every field must be set */
        hull_spec_prescan_text(json, strlen(json), &p);
        return p;
}

/* The prescan (create starts the network namespace from it) agrees with the
 * parse where it answers, and answers nothing it cannot read surely. */
static void prescan_reads_namespaces_and_sysfs(void **state) {
        char *json = hull_spec_default_json(false, 0, 0);
        hull_spec_prescan p = prescan(json);
        assert_true(p.netns_new);
        assert_true(p.ipcns_new);
        assert_false(p.userns);
        assert_true(p.sysfs);
        assert_string_equal(p.sysfs_source, "sysfs");
        assert_true(p.sysfs_ro);
        free(json);
        json = hull_spec_default_json(true, 1000, 1000);
        p = prescan(json);
        assert_true(p.userns);
        free(json);

        p = prescan("{\"linux\":{\"namespaces\":[{\"path\":\"/proc/1/ns/net\",\"type\":\"network\"},"
                    "{\"type\":\"ipc\",\"path\":\"/proc/1/ns/ipc\"}]}}");
        assert_false(p.netns_new);
        assert_false(p.ipcns_new);
        p = prescan("{ \"annotations\": {\"linux\": {\"namespaces\": [{\"type\": \"network\"}]}},\n"
                    "  \"mounts\": [{\"type\": \"bind\", \"source\": \"/sys\"},\n"
                    "              {\"destination\": \"/sys\", \"type\": \"sysfs\", \"options\": [\"ro\", 1, \"rw\"]},\n"
                    "              {\"type\": \"sysfs\", \"source\": \"second\", \"options\": [\"ro\"]}],\n"
                    "  \"linux\": {\"x\": [{}, [], 1.5e3, true, null], \"namespaces\": [7, {\"type\": \"user\"},\n"
                    "             {\"type\": \"network\", \"extra\": {\"path\": \"x\"}}]}}");
        assert_true(p.netns_new);
        assert_true(p.userns);
        assert_true(p.sysfs);
        assert_string_equal(p.sysfs_source, "sysfs");
        assert_false(p.sysfs_ro);
        p = prescan("{\"mounts\":[{\"type\":\"sysfs\",\"source\":\"my-sysfs\"}]}");
        assert_string_equal(p.sysfs_source, "my-sysfs");
        assert_false(p.sysfs_ro);

        /* What it cannot read surely, it leaves out. */
        p = prescan("{\"linux\":{\"namespaces\":[{\"type\":\"netw\\u006frk\"}]}}");
        assert_false(p.netns_new);
        p = prescan("{\"mounts\":[{\"type\":\"sysfs\",\"source\":\"a\\\"b\"}]}");
        assert_false(p.sysfs);
        p = prescan("{\"mounts\":[{\"type\":\"sys\\u0066s\"},{\"type\":\"sysfs\"}]}");
        assert_false(p.sysfs);
        /* An escaped key could hide "path": no answer at all. */
        p = prescan("{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"p\\u0061th\":\"/proc/1/ns/net\"}]}}");
        assert_false(p.netns_new);
        const char *broken[] = { "", "[]", "{", "{\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}",
                              "{\"linux\":{\"namespaces\":[{\"type\":\"network\"}]}}}x",
                              "{\"linux\" {\"namespaces\":[{\"type\":\"network\"}]}}",
                              "{\"linux\":{\"namespaces\":[{\"type\":\"network\"",
                              "{\"linux\":{\"namespaces\":[{\"type\":\"network\"}]},\"a\":\"\\" };
        for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
                p = prescan(broken[i]);
                if (p.netns_new || p.ipcns_new || p.userns || p.sysfs || p.sysfs_ro || p.sysfs_source[0])
                        fail_msg("prescan of %s answered", broken[i]);
        }
        /* Deeper than it follows: no answer, no overflow. */
        char deep[4096] = "{\"a\":";
        for (int i = 0; i < 1000; i++)
                strcat(deep, "[");
        p = prescan(deep);
        assert_false(p.netns_new);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(default_spec_parses),
                cmocka_unit_test(rootless_spec_parses),
                cmocka_unit_test(unknown_fields_ignored),
                cmocka_unit_test(bad_configs_name_the_path),
                cmocka_unit_test(process_json_for_exec),
                cmocka_unit_test(resources_parse),
                cmocka_unit_test(features_json_lists_everything),
                cmocka_unit_test(json_paths_join_index_and_truncate),
                cmocka_unit_test(prescan_reads_namespaces_and_sysfs),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
