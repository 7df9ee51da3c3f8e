/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "util/strv.h"

const cli_verb cli_verb_exec = { "exec", "[options] <container-id> [command [args...]]",
                                 "Run a further process in a running container.  The exit status is the process's.",
                                 cli_exec };

int cli_exec(hull_context *ctx, int argc, char **argv) {
        hull_exec_opts o = { 0 };
        const char *process_label = NULL, *apparmor = NULL, *cgroup = NULL;
        char **env = NULL, **caps = NULL, **gids = NULL;
        const cli_opt opts[] = {
                { "process", 'p', CLI_STRING, &o.process_file, "a runtime-spec process JSON file describing the process", "FILE" },
                { "env", 'e', CLI_LIST, &env, "set an environment variable (repeatable)", "NAME=VALUE" },
                { "cwd", 0, CLI_STRING, &o.cwd, "working directory in the container", "DIR" },
                { "user", 'u', CLI_STRING, &o.user, "user and group ids", "UID[:GID]" },
                { "additional-gids", 'g', CLI_LIST, &gids, "an additional group id (repeatable)", "GID" },
                { "cap", 'c', CLI_LIST, &caps, "add a capability to the bounding, effective and permitted sets (repeatable)", "CAP" },
                { "tty", 't', CLI_BOOL, &o.tty, "allocate a pseudo-terminal", NULL },
                { "detach", 'd', CLI_BOOL, &o.detach, "do not wait for the process", NULL },
                { "pid-file", 0, CLI_STRING, &o.pid_file, "write the process's pid to FILE", "FILE" },
                { "preserve-fds", 0, CLI_UINT, &o.preserve_fds, "pass N more fds (3..3+N-1) into the process", "N" },
                { "no-new-privs", 0, CLI_BOOL, &o.no_new_privs, "set no_new_privs on the process", NULL },
                { "console-socket", 0, CLI_STRING, &o.console_socket, "AF_UNIX socket to receive the terminal's master fd", "PATH" },
                { "process-label", 0, CLI_STRING, &process_label, "SELinux label (not supported)", "LABEL" },
                { "apparmor", 0, CLI_STRING, &apparmor, "AppArmor profile (not supported)", "PROFILE" },
                { "cgroup", 0, CLI_STRING, &cgroup, "sub-cgroup (not supported yet)", "PATH" },
        };
        int status = 1;
        int idx = cli_parse(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), &cli_verb_exec);
        if (idx < 0) {
                status = idx == -2 ? 0 : 1;
                goto out;
        }
        if (argc - idx < 1) {
                status = cli_usage_error(&cli_verb_exec, "exec needs the container id");
                goto out;
        }
        if (process_label || apparmor || cgroup) {
                status = cli_usage_error(&cli_verb_exec, "%s is not supported yet",
                                         process_label ? "--process-label" : apparmor ? "--apparmor" : "--cgroup");
                goto out;
        }
        if (!o.process_file && argc - idx < 2) {
                status = cli_usage_error(&cli_verb_exec, "exec needs a command, or --process FILE");
                goto out;
        }
        o.args = argv + idx + 1;
        o.env = env;
        o.caps = caps;
        o.additional_gids = gids;
        hull_error *err = NULL;
        if (hull_container_exec(ctx, argv[idx], &o, &status, &err) < 0)
                status = cli_fail(err);
out:
        hull_strv_free(env);
        hull_strv_free(caps);
        hull_strv_free(gids);
        return status;
}
