/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "user.h"
#include "util.h"

#define FILE_MAX (1 << 20)

/* Reads a whole regular file of at most FILE_MAX bytes.  Returns the text
 * (owned by the caller) with its length, or NULL with errno set. */
static char *read_file(int dirfd, const char *path, size_t *ret_len) {
        int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        char *text = NULL;
        size_t len = 0;

        if (fd < 0)
                return NULL;
        if (fstat(fd, &st) < 0)
                goto fail;
        if (!S_ISREG(st.st_mode)) {
                errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
                goto fail;
        }
        text = xmalloc(FILE_MAX + 1);
        for (;;) {
                ssize_t n = read(fd, text + len, FILE_MAX + 1 - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        goto fail;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len > FILE_MAX) {
                        errno = EFBIG;
                        goto fail;
                }
        }
        close(fd);
        *ret_len = len;
        return text;
fail:;
        int saved = errno;
        free(text);
        close(fd);
        errno = saved;
        return NULL;
}

static int parse_file(struct svc_set *set, int dirfd, const char *rel, const char *shown, const char *name) {
        size_t len;
        struct svc_error err;
        char *text = read_file(dirfd, rel, &len);
        if (!text) {
                init_err("%s: %s", shown, strerror(errno));
                return -1;
        }
        int r = svc_parse(set, shown, text, len, name, &err);
        free(text);
        if (r < 0)
                init_err("%s", err.msg);
        return r;
}

static int by_name(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int load_dir(const char *path, struct svc_set *set) {
        int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
        char **names = NULL;
        int r = 0;

        if (!d) {
                init_err("%s: %s", path, strerror(errno));
                if (dfd >= 0)
                        close(dfd);
                return -1;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);
                if (de->d_name[0] == '.')
                        continue;
                if (n <= 8 || strcmp(de->d_name + n - 8, ".service") != 0) {
                        init_warn("%s/%s: ignored (not a NAME.service file)", path, de->d_name);
                        continue;
                }
                strv_push(&names, xstrdup(de->d_name));
        }
        size_t count = strv_len(names);
        if (count)
                qsort(names, count, sizeof(char *), by_name);
        for (size_t i = 0; i < count && r == 0; i++) {
                char *shown = xmalloc(strlen(path) + strlen(names[i]) + 2);
                char *name = xstrndup(names[i], strlen(names[i]) - 8);
                strcpy(shown, path);
                strcat(shown, "/");
                strcat(shown, names[i]);
                r = parse_file(set, dirfd(d), names[i], shown, name);
                free(name);
                free(shown);
        }
        if (r == 0 && count == 0) {
                init_err("%s: no NAME.service file", path);
                r = -1;
        }
        strv_free(names);
        closedir(d);
        return r;
}

static int resolve_users(struct svc_set *set) {
        for (size_t i = 0; i < set->n; i++) {
                struct svc_conf *c = &set->v[i];
                struct user_ids ids;
                const char *why;
                if (!c->user)
                        continue;
                if (user_resolve(c->user, "/etc/passwd", "/etc/group", &ids, &why) < 0) {
                        init_err("%s:%u: user '%s': %s", c->file, c->user_line, c->user, why);
                        return -1;
                }
                c->set_ids = true;
                c->uid = ids.uid;
                c->gid = ids.gid;
                c->groups = ids.groups;
                c->ngroups = ids.ngroups;
        }
        return 0;
}

int svc_load(const char *path, struct svc_set *set) {
        struct stat st;
        struct svc_error err;

        if (stat(path, &st) < 0) {
                init_err("%s: %s", path, strerror(errno));
                return -1;
        }
        if (S_ISDIR(st.st_mode) ? load_dir(path, set) < 0 : parse_file(set, AT_FDCWD, path, path, NULL) < 0)
                return -1;
        if (svc_validate(set, &err) < 0) {
                init_err("%s", err.msg);
                return -1;
        }
        return resolve_users(set);
}
