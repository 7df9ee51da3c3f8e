/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state directory of each container: /run/hull/<id>/{state.json,
 * config.json, exec.fifo}.  Writes are atomic (temp file, fsync, rename);
 * a flock on the directory serialises the verbs that change a container. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"

static const char *const status_names[_HULL_STATUS_MAX] = {
        [HULL_STATUS_CREATING] = "creating", [HULL_STATUS_CREATED] = "created",
        [HULL_STATUS_RUNNING] = "running",   [HULL_STATUS_STOPPED] = "stopped",
        [HULL_STATUS_PAUSED] = "paused",
};

const char *hull_status_name(hull_status s) {
        return s < _HULL_STATUS_MAX ? status_names[s] : "unknown";
}

bool hull_container_id_valid(const char *id) {
        /* runc's rule: [\w+-.]+, and not "." or "..". */
        if (!id || !*id || strlen(id) > 1024 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return false;
        for (const char *p = id; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr("_+-.", *p))
                        return false;
        return true;
}

char *hull_now_rfc3339(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        /* By hand: glibc's strftime reads /etc/localtime (tzset) even for UTC. */
        char buf[64];
        snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
        return strdup(buf);
}

int hull_proc_start_time(pid_t pid, unsigned long long *ret) {
        char state;
        unsigned long long v[23]; /* starttime is field 22 */
        int r = hull_proc_stat(pid, &state, v, ELEMENTSOF(v));
        if (r < 0)
                return r;
        if (state == 'Z' || state == 'X')
                return -ESRCH;
        if (r < (int) ELEMENTSOF(v))
                return -EINVAL;
        *ret = v[22];
        return 0;
}

bool hull_proc_alive(pid_t pid, unsigned long long start_time) {
        if (pid <= 0)
                return false;
        unsigned long long st;
        if (hull_proc_start_time(pid, &st) < 0)
                return false;
        return start_time == 0 || st == start_time;
}

int hull_state_root_open(hull_context *ctx, bool create, int *ret_fd, hull_error **err) {
        const char *root = ctx->state_root ? ctx->state_root : HULL_DEFAULT_STATE_ROOT;
        if (create) {
                int r = hull_mkdir_p_at(AT_FDCWD, root, 0711);
                if (r < 0)
                        return hull_error_set(err, -r, "create state root %s", root);
        }
        int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return hull_error_set(err, errno, "open state root %s", root);
        *ret_fd = fd;
        return 0;
}

void hull_container_free(hull_container *c) {
        if (!c)
                return;
        free(c->id);
        if (c->root_fd >= 0)
                close(c->root_fd);
        if (c->dir_fd >= 0)
                close(c->dir_fd);
        hull_spec_free(c->spec);
        free(c->bundle);
        free(c->rootfs);
        hull_cgroup_free(c->cg);
        free(c->created);
        free(c->owner);
        free(c);
}

static hull_container *container_alloc(hull_context *ctx, const char *id) {
        hull_container *c = calloc(1, sizeof(*c));
        if (!c)
                return NULL;
        c->ctx = ctx;
        c->root_fd = c->dir_fd = -1;
        c->start_hooks = -1;
        c->id = strdup(id);
        if (!c->id) {
                free(c);
                return NULL;
        }
        return c;
}

int hull_container_new(hull_context *ctx, const char *id, hull_container **ret, hull_error **err) {
        if (!hull_container_id_valid(id))
                return hull_error_set_raw(err, EINVAL, "invalid container id \"%s\": use letters, digits and _+-.", id);
        hull_container *c = container_alloc(ctx, id);
        if (!c)
                return hull_error_set(err, ENOMEM, "container %s", id);
        int r = hull_state_root_open(ctx, true, &c->root_fd, err);
        if (r < 0)
                goto fail;
        /* mkdir is the atomic claim on the id: of two creates, one wins. */
        if (mkdirat(c->root_fd, id, 0711) < 0) {
                if (errno == EEXIST)
                        r = hull_error_set_raw(err, EEXIST, "container with id \"%s\" already exists", id);
                else
                        r = hull_error_set(err, errno, "create state dir for %s", id);
                goto fail;
        }
        c->dir_fd = openat(c->root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (c->dir_fd < 0 || flock(c->dir_fd, LOCK_EX) < 0) {
                r = hull_error_set(err, errno, "open state dir for %s", id);
                (void) unlinkat(c->root_fd, id, AT_REMOVEDIR);
                goto fail;
        }
        c->saved_status = HULL_STATUS_CREATING;
        c->creator = getpid();
        (void) hull_proc_start_time(c->creator, &c->creator_start);
        c->created = hull_now_rfc3339();
        c->owner = hull_strdup_printf("%u", (unsigned) geteuid());
        *ret = c;
        return 0;
fail:
        hull_container_free(c);
        return r;
}

static const char *jstr(json_t *o, const char *k) {
        const char *s = json_string_value(json_object_get(o, k));
        return s ? s : "";
}

int hull_container_load(hull_context *ctx, const char *id, unsigned flags, hull_container **ret, hull_error **err) {
        if (!hull_container_id_valid(id))
                return hull_error_set_raw(err, EINVAL, "invalid container id \"%s\"", id);
        _cleanup_free_ char *text = NULL;
        _cleanup_error_ hull_error *cerr = NULL;
        hull_container *c = container_alloc(ctx, id);
        if (!c)
                return hull_error_set(err, ENOMEM, "container %s", id);
        int r = hull_state_root_open(ctx, false, &c->root_fd, NULL);
        if (r < 0) {
                r = hull_error_set_raw(err, ENOENT, "container \"%s\" does not exist", id);
                goto fail;
        }
        c->dir_fd = openat(c->root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (c->dir_fd < 0) {
                if (errno == ENOENT)
                        r = hull_error_set_raw(err, ENOENT, "container \"%s\" does not exist", id);
                else
                        r = hull_error_set(err, errno, "open state dir of %s", id);
                goto fail;
        }
        if ((flags & HULL_LOAD_LOCK) && flock(c->dir_fd, LOCK_EX) < 0) {
                r = hull_error_set(err, errno, "lock container %s", id);
                goto fail;
        }
        size_t len = 0;
        r = hull_read_file_at(c->dir_fd, HULL_STATE_FILE, 0, &text, &len);
        if (r == -ENOENT) {
                /* A create that died before writing any state: only delete can act on it. */
                c->saved_status = HULL_STATUS_STOPPED;
                *ret = c;
                return 0;
        }
        if (r < 0) {
                r = hull_error_set(err, -r, "read state of %s", id);
                goto fail;
        }
        json_error_t je;
        json_t *j = hull_json_loadb(text, len, 0, &je);
        if (!j) {
                r = hull_error_set_raw(err, EINVAL, "state of %s is corrupt: %s", id, je.text);
                goto fail;
        }
        const char *st = jstr(j, "status");
        c->saved_status = HULL_STATUS_STOPPED;
        for (int s = 0; s < _HULL_STATUS_MAX; s++)
                if (strcmp(st, status_names[s]) == 0)
                        c->saved_status = s;
        c->pid = (pid_t) json_integer_value(json_object_get(j, "pid"));
        c->pid_start = (unsigned long long) json_integer_value(json_object_get(j, "pidStartTime"));
        c->creator = (pid_t) json_integer_value(json_object_get(j, "creatorPid"));
        c->creator_start = (unsigned long long) json_integer_value(json_object_get(j, "creatorStartTime"));
        c->bundle = strdup(jstr(j, "bundle"));
        c->rootfs = strdup(jstr(j, "rootfs"));
        c->created = strdup(jstr(j, "created"));
        c->owner = strdup(jstr(j, "owner"));
        json_t *cgj = json_object_get(j, "cgroup");
        if (cgj)
                (void) hull_cgroup_from_json(cgj, &c->cg);
        json_t *sh = json_object_get(j, "startHooks");
        c->start_hooks = json_is_boolean(sh) ? json_is_true(sh) : -1;
        json_decref(j);
        if (!c->bundle || !c->rootfs || !c->created || !c->owner) {
                r = hull_error_set(err, ENOMEM, "load %s", id);
                goto fail;
        }
        /* The config as it was at create time: later edits of the bundle's
         * config.json must not affect the container.  start needs it only for
         * its hooks: parsing it is a tenth of what start costs. */
        if ((flags & HULL_LOAD_SPEC_FOR_START) && c->start_hooks == 0) {
                *ret = c;
                return 0;
        }
        if (hull_spec_load(c->dir_fd, HULL_CONFIG_FILE, &c->spec, &cerr) < 0 && cerr->errnum != ENOENT)
                hull_debug("container %s: %s", id, cerr->msg);
        *ret = c;
        return 0;
fail:
        hull_container_free(c);
        return r;
}

static json_t *annotations_json(const hull_spec *spec) {
        json_t *a = json_object();
        for (size_t i = 0; spec && i < spec->n_annotations; i++)
                json_object_set_new(a, spec->annotations[i].key, json_string(spec->annotations[i].value));
        return a;
}

int hull_container_save_prepare(hull_container *c, char tmp[HULL_TEMP_NAME_MAX], hull_error **err) {
        json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:I, s:i, s:I, s:s, s:s, s:s, s:s, s:o}", "ociVersion",
                              c->spec && c->spec->oci_version ? c->spec->oci_version : HULL_OCI_VERSION, "id", c->id,
                              "status", hull_status_name(c->saved_status), "pid", (int) c->pid, "pidStartTime",
                              (json_int_t) c->pid_start, "creatorPid", (int) c->creator, "creatorStartTime",
                              (json_int_t) c->creator_start, "bundle", c->bundle ? c->bundle : "", "rootfs",
                              c->rootfs ? c->rootfs : "", "created", c->created ? c->created : "", "owner",
                              c->owner ? c->owner : "", "annotations", annotations_json(c->spec));
        if (!j)
                return hull_error_set(err, ENOMEM, "save state of %s", c->id);
        if (c->cg)
                json_object_set_new(j, "cgroup", hull_cgroup_to_json(c->cg));
        if (c->spec)
                c->start_hooks = hull_start_waits_exec(c->spec);
        if (c->start_hooks >= 0)
                json_object_set_new(j, "startHooks", json_boolean(c->start_hooks));
        _cleanup_free_ char *text = hull_json_dumps(j, JSON_COMPACT);
        json_decref(j);
        if (!text)
                return hull_error_set(err, ENOMEM, "save state of %s", c->id);
        int r = hull_write_temp_at(c->dir_fd, HULL_STATE_FILE, text, strlen(text), 0600, 0, tmp, err);
        if (r < 0)
                return hull_error_prefix(err, "save state of %s", c->id);
        return 0;
}

int hull_container_save_commit(hull_container *c, const char *tmp, hull_error **err) {
        int r = hull_install_temp_at(c->dir_fd, tmp, HULL_STATE_FILE, 0, err);
        if (r < 0)
                return hull_error_prefix(err, "save state of %s", c->id);
        return 0;
}

int hull_container_save(hull_container *c, hull_error **err) {
        char tmp[HULL_TEMP_NAME_MAX];
        int r = hull_container_save_prepare(c, tmp, err);
        if (r < 0)
                return r;
        return hull_container_save_commit(c, tmp, err);
}

int hull_container_remove_state(hull_container *c, hull_error **err) {
        int r = hull_rm_rf_at(c->root_fd, c->id);
        if (r < 0)
                return hull_error_set(err, -r, "remove state dir of %s", c->id);
        return 0;
}

hull_status hull_container_status(hull_container *c) {
        if (c->saved_status == HULL_STATUS_CREATING) {
                if (hull_proc_alive(c->creator, c->creator_start))
                        return HULL_STATUS_CREATING;
                return HULL_STATUS_STOPPED;
        }
        if (!hull_proc_alive(c->pid, c->pid_start))
                return HULL_STATUS_STOPPED;
        if (faccessat(c->dir_fd, HULL_EXEC_SOCK, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                return HULL_STATUS_CREATED;
        if (c->cg && hull_cgroup_is_frozen(c->cg))
                return HULL_STATUS_PAUSED;
        return HULL_STATUS_RUNNING;
}

char *hull_container_state_json(hull_container *c, hull_status status, bool indent) {
        json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:s, s:o}", "ociVersion",
                              c->spec && c->spec->oci_version ? c->spec->oci_version : HULL_OCI_VERSION, "id", c->id,
                              "status", hull_status_name(status), "pid", (int) c->pid, "bundle",
                              c->bundle ? c->bundle : "", "annotations", annotations_json(c->spec));
        if (!j)
                return NULL;
        if (status == HULL_STATUS_STOPPED || status == HULL_STATUS_CREATING)
                json_object_set_new(j, "pid", json_integer(status == HULL_STATUS_CREATING && c->pid > 0 ? c->pid : 0));
        char *s = hull_json_dumps(j, (indent ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER);
        json_decref(j);
        return s;
}

/* The name of uid in /etc/passwd (read directly, as runc does: no NSS, which
 * a static binary would have to dlopen).  Returns false when there is none. */
static bool passwd_name(uid_t uid, char *buf, size_t size) {
        _cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
        if (!f)
                return false;
        char line[1024];
        while (fgets(line, sizeof(line), f)) {
                /* name:password:uid:... */
                char *c1 = strchr(line, ':');
                char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!c2 || !isdigit((unsigned char) c2[1]))
                        continue;
                char *end;
                errno = 0;
                unsigned long u = strtoul(c2 + 1, &end, 10);
                if (errno || *end != ':' || u != uid || (size_t) (c1 - line) >= size || c1 == line)
                        continue;
                memcpy(buf, line, (size_t) (c1 - line));
                buf[c1 - line] = '\0';
                return true;
        }
        return false;
}

int hull_container_to_state(hull_container *c, hull_state **ret) {
        hull_state *s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->status = hull_container_status(c);
        s->oci_version = strdup(c->spec && c->spec->oci_version ? c->spec->oci_version : HULL_OCI_VERSION);
        s->id = strdup(c->id);
        s->pid = s->status == HULL_STATUS_STOPPED ? 0 : c->pid;
        s->bundle = strdup(c->bundle ? c->bundle : "");
        s->rootfs = strdup(c->rootfs ? c->rootfs : "");
        s->created = strdup(c->created ? c->created : "");
        /* The owner is stored as a uid; named from /etc/passwd as runc does. */
        char name[64];
        bool named = c->owner && isdigit((unsigned char) c->owner[0]) &&
                     passwd_name((uid_t) strtoul(c->owner, NULL, 10), name, sizeof(name));
        s->owner = strdup(named ? name : (c->owner ? c->owner : ""));
        json_t *a = annotations_json(c->spec);
        s->annotations_json = hull_json_dumps(a, JSON_COMPACT);
        json_decref(a);
        if (!s->oci_version || !s->id || !s->bundle || !s->rootfs || !s->created || !s->owner || !s->annotations_json) {
                hull_state_free(s);
                return -ENOMEM;
        }
        *ret = s;
        return 0;
}

void hull_state_free(hull_state *s) {
        if (!s)
                return;
        free(s->oci_version);
        free(s->id);
        free(s->bundle);
        free(s->rootfs);
        free(s->created);
        free(s->owner);
        free(s->annotations_json);
        free(s);
}

char *hull_state_to_json(const hull_state *s) {
        json_t *ann = hull_json_loads(s->annotations_json, 0, NULL);
        json_t *j = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:o}", "ociVersion", s->oci_version, "id", s->id,
                              "pid", (int) s->pid, "status", hull_status_name(s->status), "bundle", s->bundle, "rootfs",
                              s->rootfs, "created", s->created, "owner", s->owner, "annotations",
                              ann ? ann : json_object());
        if (!j)
                return NULL;
        char *out = hull_json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(j);
        return out;
}
