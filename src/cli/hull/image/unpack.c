/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull unpack: an image as an OCI runtime bundle. */
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "util/cleanup.h"

int hull_verb_unpack(int argc, char **argv);

static const img_verb verb = {
        "unpack", "[options] IMAGE DIR", "Write an image as an OCI runtime bundle (DIR/rootfs, DIR/config.json)",
        "DIR must not exist or be empty.  Each layer blob is checked against its\n"
        "digest before it is read, and its content against the config's diff_id.\n"
        "Nothing is written outside DIR/rootfs: entries with absolute paths or \"..\"\n"
        "and hardlinks leaving the root are refused (exit status 5); every path is\n"
        "resolved inside the root (openat2 RESOLVE_IN_ROOT), so symlinks resolve as\n"
        "in the container.  Whiteouts and opaque directories are applied.  Device\n"
        "nodes, owners, setuid/setgid bits and file capabilities are restored only\n"
        "as root.  config.json is `hull-runtime spec`'s default (rootless when not\n"
        "root) with the image's Entrypoint+Cmd, Env, WorkingDir, User (resolved in\n"
        "the rootfs' /etc/passwd and /etc/group) and annotations (StopSignal,\n"
        "ExposedPorts, labels...).  On failure, what was written is removed.\n"
        "--init runs the process under hull-init, bound read-only from the host at\n"
        "/dev/init (as `docker run --init` does with tini): a PID 1 that reaps\n"
        "zombies, forwards signals and stops gracefully.  hull-init is looked for in\n"
        "$HULL_INIT, next to hull, in the build tree's src/init, then in PATH.\n",
        2, 2,
};

int hull_verb_unpack(int argc, char **argv) {
        bool rootless = false, init = false;
        const char *init_path = NULL;
        const img_opt opts[] = {
                { "init", 0, IMG_OPT_BOOL, &init, NULL, "wrap the process with hull-init (PID 1), bound from the host" },
                { "init-path", 0, IMG_OPT_STRING, &init_path, "PATH", "the hull-init to bind (implies --init)" },
                { "rootless", 0, IMG_OPT_BOOL, &rootless, NULL,
                  "unpack as a user would even as root: no owners, device nodes or setuid bits; a rootless config.json" },
        };
        _cleanup_free_ char **args = NULL;
        int status;
        if (img_start(argc, argv, &verb, opts, ELEMENTSOF(opts), &args, &status) < 0)
                return status;
        hull_error *err = NULL;
        hull_store *s = NULL;
        if (img_open_store(false, &s, &err) < 0)
                return img_fail(err);
        hull_unpack_opts o;
        hull_unpack_opts_init(&o);
        if (rootless)
                o.as_root = false;
        _cleanup_free_ char *found = NULL;
        if (init || init_path) {
                if (!init_path)
                        init_path = found = img_find_hull_init();
                if (!init_path) {
                        hull_store_free(s);
                        fprintf(stderr, "hull unpack: --init: hull-init not found ($HULL_INIT, next to hull, PATH)\n");
                        return 1;
                }
                o.init_path = init_path;
        }
        if (img_progress_wanted())
                o.progress = img_progress;
        int r = hull_image_bundle(s, args[0], args[1], &o, &err);
        img_progress_done();
        hull_store_free(s);
        return r < 0 ? img_fail(err) : 0;
}
