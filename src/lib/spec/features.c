/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The runtime-spec features document (features.md): exactly what this build
 * implements, nothing it merely parses. */
#include <jansson.h>

#include "spec.h"
#include "util/json.h"

#ifndef HULL_VERSION
#define HULL_VERSION "0.0.0"
#endif

char *hull_spec_features_json(void) {
        json_t *hooks = json_array();
        for (int k = 0; k < _HULL_HOOK_MAX; k++)
                json_array_append_new(hooks, json_string(hull_hook_kind_name(k)));
        json_t *opts = json_array();
        size_t n;
        const hull_mount_flag *f = hull_mount_flags_table(&n);
        for (size_t i = 0; i < n; i++)
                json_array_append_new(opts, json_string(f[i].name));
        json_t *nss = json_array();
        for (int t = 0; t < _HULL_NS_MAX; t++)
                json_array_append_new(nss, json_string(hull_ns_type_name(t)));
        json_t *caps = json_array();
        for (int c = 0; c <= hull_cap_last_known(); c++)
                json_array_append_new(caps, json_string(hull_cap_name(c)));
        json_t *actions = json_array(), *ops = json_array(), *archs = json_array(), *flags = json_array();
        for (int a = 0; a < _HULL_SCMP_ACTION_MAX; a++)
                json_array_append_new(actions, json_string(hull_seccomp_action_name(a)));
        for (int o = 0; o < _HULL_SCMP_OP_MAX; o++)
                json_array_append_new(ops, json_string(hull_seccomp_op_name(o)));
        for (const char *const *a = hull_seccomp_arch_names(); *a; a++)
                json_array_append_new(archs, json_string(*a));
        for (const char *const *fl = hull_seccomp_flag_names(); *fl; fl++)
                json_array_append_new(flags, json_string(*fl));
        json_t *seccomp = json_pack("{s:b, s:o, s:o, s:o, s:o, s:O}", "enabled", 1, "actions", actions, "operators", ops,
                                    "archs", archs, "knownFlags", flags, "supportedFlags", flags);
        json_t *doc = json_pack(
                "{s:s, s:s, s:o, s:o, s:{s:o, s:o, s:{s:b, s:b, s:b, s:b, s:b}, s:o, s:{s:b}, s:{s:b}, s:{s:b}, s:{s:{s:b}}}, s:{s:s, s:s}}",
                "ociVersionMin", HULL_OCI_VERSION_MIN, "ociVersionMax", HULL_OCI_VERSION, "hooks", hooks,
                "mountOptions", opts, "linux", "namespaces", nss, "capabilities", caps, "cgroup", "v1", 1, "v2", 1,
                "systemd", 0, "systemdUser", 0, "rdma", 0, "seccomp", seccomp, "apparmor", "enabled", 0,
                "selinux", "enabled", 0, "intelRdt", "enabled", 0, "mountExtensions", "idmap", "enabled", 1,
                "annotations", "io.github.hull.version", HULL_VERSION, "io.github.hull.implementation", "hull-runtime");
        if (!doc)
                return NULL;
        char *out = hull_json_dumps(doc, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
        json_decref(doc);
        return out;
}
