/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The OCI image layout store (layout.h): references, blobs, index.json,
 * transactions, locking and garbage collection. */
#include "layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "strset.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/sys.h"

#define LAYOUT_JSON "{\"imageLayoutVersion\":\"1.0.0\"}"
#define EMPTY_INDEX "{\"schemaVersion\":2,\"mediaType\":\"" HULL_MT_OCI_INDEX "\",\"manifests\":[]}"

struct hull_store {
        char *path;
        int dfd;
        int lockfd; /* .hull/lock, shared for the store's lifetime; -1 when the store is read-only */
};

/* ---- references ---- */

static bool is_lower_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c) {
        return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool valid_path_component(const char *s, size_t n) {
        if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
                return false;
        for (size_t i = 0; i < n; i++) {
                if (is_lower_alnum(s[i]))
                        continue;
                if (s[i] == '.' || s[i] == '_') {
                        if (!is_lower_alnum(s[i + 1]) && !(s[i] == '_' && s[i + 1] == '_' && i + 2 < n && is_lower_alnum(s[i + 2])))
                                return false;
                        if (s[i] == '_' && s[i + 1] == '_')
                                i++;
                        continue;
                }
                if (s[i] == '-') {
                        while (i < n && s[i] == '-')
                                i++;
                        if (i >= n || !is_lower_alnum(s[i]))
                                return false;
                        continue;
                }
                return false;
        }
        return true;
}

/* host[:port]: labels of [A-Za-z0-9-] separated by dots. */
static bool valid_domain(const char *s, size_t n) {
        const char *colon = memchr(s, ':', n);
        size_t host = colon ? (size_t) (colon - s) : n;
        if (host == 0)
                return false;
        for (size_t i = 0; i < host; i++) {
                char c = s[i];
                bool edge = i == 0 || i == host - 1 || s[i - 1] == '.' || s[i + 1] == '.';
                if (is_alnum(c) || (c == '-' && !edge))
                        continue;
                if (c == '.' && !edge)
                        continue;
                return false;
        }
        if (colon) {
                if (colon + 1 == s + n)
                        return false;
                for (const char *p = colon + 1; p < s + n; p++)
                        if (*p < '0' || *p > '9')
                                return false;
        }
        return true;
}

static bool valid_name(const char *s, size_t n) {
        if (n == 0 || n > 255)
                return false;
        bool first = true;
        while (n > 0) {
                const char *slash = memchr(s, '/', n);
                size_t len = slash ? (size_t) (slash - s) : n;
                bool is_domain = first && slash && (memchr(s, '.', len) || memchr(s, ':', len) ||
                                                    (len == 9 && memcmp(s, "localhost", 9) == 0));
                if (is_domain ? !valid_domain(s, len) : !valid_path_component(s, len))
                        return false;
                if (!slash)
                        return true;
                s = slash + 1;
                n -= len + 1;
                if (n == 0)
                        return false;
                first = false;
        }
        return false;
}

static bool valid_tag(const char *t) {
        size_t n = strlen(t);
        if (n == 0 || n > 128 || !(is_alnum(t[0]) || t[0] == '_'))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!(is_alnum(t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-'))
                        return false;
        return true;
}

int hull_image_ref_normalize(const char *ref, char **ret, hull_error **err) {
        int r;
        if (!ref || !*ref)
                r = hull_error_set_raw(err, EINVAL, "empty image name");
        else if (strchr(ref, '@'))
                r = hull_error_set_raw(err, EINVAL, "image name \"%s\": NAME@DIGEST references are not supported (use the digest alone)", ref);
        else {
                const char *slash = strrchr(ref, '/');
                const char *colon = strrchr(slash ? slash : ref, ':');
                size_t nlen = colon ? (size_t) (colon - ref) : strlen(ref);
                const char *tag = colon ? colon + 1 : "latest";
                if (!valid_name(ref, nlen))
                        r = hull_error_set_raw(err, EINVAL,
                                               "invalid image name \"%.*s\": lowercase letters, digits and separators "
                                               "(. _ __ -) in components joined by '/'",
                                               (int) (nlen > 300 ? 300 : nlen), ref);
                else if (!valid_tag(tag))
                        r = hull_error_set_raw(err, EINVAL,
                                               "invalid tag \"%.*s\": at most 128 letters, digits, '_', '.' and '-', "
                                               "not starting with '.' or '-'",
                                               (int) (strlen(tag) > 300 ? 300 : strlen(tag)), tag);
                else {
                        char *s = NULL;
                        if (asprintf(&s, "%.*s:%s", (int) nlen, ref, tag) < 0)
                                return hull_error_set(err, ENOMEM, "image name");
                        *ret = s;
                        return 0;
                }
        }
        return hull_image_error_status(err, r, HULL_IMAGE_EXIT_USAGE);
}

/* ---- opening ---- */

static int flock_retry(int fd, int op) {
        int r;
        do
                r = flock(fd, op);
        while (r < 0 && errno == EINTR);
        return r;
}

static int ensure_file(int dfd, const char *name, const char *content, hull_error **err) {
        if (faccessat(dfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                return 0;
        if (errno != ENOENT)
                return hull_error_set(err, errno, "%s", name);
        return hull_write_atomic_at(dfd, name, content, strlen(content), 0644, HULL_WRITE_DURABLE, err);
}

int hull_store_open(const char *path, unsigned flags, hull_store **ret, hull_error **err) {
        if (!path || !*path)
                return hull_image_error_status(err, hull_error_set_raw(err, EINVAL, "no store path"), HULL_IMAGE_EXIT_USAGE);
        if (flags & HULL_STORE_CREATE) {
                if (sys_mkdirat(AT_FDCWD, path, 0700) < 0 && errno != EEXIST) {
                        if (errno != ENOENT)
                                return hull_error_set(err, errno, "create the image store %s", path);
                        int r = hull_mkdir_p_at(AT_FDCWD, path, 0755);
                        if (r < 0)
                                return hull_error_set(err, -r, "create the image store %s", path);
                        (void) chmod(path, 0700);
                }
        }
        _cleanup_close_ int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
                int e = errno;
                int r = hull_error_set(err, e, "open the image store %s", path);
                return hull_image_error_status(err, r, e == ENOENT ? HULL_IMAGE_EXIT_NOT_FOUND : HULL_IMAGE_EXIT_FAILURE);
        }
        if (flags & HULL_STORE_CREATE) {
                int r;
                if (((r = hull_mkdir_p_at(dfd, "blobs/sha256", 0755)) < 0) ||
                    ((r = hull_mkdir_p_at(dfd, ".hull/tmp", 0700)) < 0))
                        return hull_error_set(err, -r, "create the image store %s", path);
                if (ensure_file(dfd, "oci-layout", LAYOUT_JSON, err) < 0 ||
                    ensure_file(dfd, "index.json", EMPTY_INDEX, err) < 0)
                        return hull_error_prefix(err, "create the image store %s", path);
        }
        _cleanup_free_ char *layout = NULL;
        int r = hull_read_file_at(dfd, "oci-layout", 4096, &layout, NULL);
        if (r < 0) {
                r = r == -ENOENT ? hull_error_set_raw(err, ENOENT, "%s is not an image store (no oci-layout file)", path)
                                 : hull_error_set(err, -r, "read %s/oci-layout", path);
                return hull_image_error_status(err, r, r == -ENOENT ? HULL_IMAGE_EXIT_NOT_FOUND : HULL_IMAGE_EXIT_FAILURE);
        }
        json_t *lj = hull_json_loads(layout, 0, NULL);
        const char *ver = json_string_value(json_object_get(lj, "imageLayoutVersion"));
        bool ok = ver && strncmp(ver, "1.", 2) == 0;
        json_decref(lj);
        if (!ok)
                return hull_image_error_status(
                        err, hull_error_set_raw(err, EINVAL, "%s/oci-layout: unsupported imageLayoutVersion (want 1.x)", path),
                        HULL_IMAGE_EXIT_INVALID);

        _cleanup_close_ int lockfd = -1;
        if (hull_mkdir_p_at(dfd, ".hull/tmp", 0700) == 0 || errno == EEXIST)
                lockfd = openat(dfd, ".hull/lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (lockfd < 0)
                lockfd = openat(dfd, ".hull/lock", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (lockfd >= 0 && flock_retry(lockfd, LOCK_SH) < 0)
                return hull_error_set(err, errno, "lock the image store %s", path);

        hull_store *s = calloc(1, sizeof(*s));
        if (!s || !(s->path = strdup(path))) {
                free(s);
                return hull_error_set(err, ENOMEM, "open the image store");
        }
        s->dfd = TAKE_FD(dfd);
        s->lockfd = TAKE_FD(lockfd);
        *ret = s;
        return 0;
}

void hull_store_free(hull_store *s) {
        if (!s)
                return;
        if (s->dfd >= 0)
                close(s->dfd);
        if (s->lockfd >= 0)
                close(s->lockfd);
        free(s->path);
        free(s);
}

int hull_store_dirfd(hull_store *s) {
        return s->dfd;
}

/* ---- reading ---- */

static void blob_path(char buf[96], const char *digest) {
        snprintf(buf, 96, "blobs/sha256/%s", hull_digest_hex(digest));
}

bool hull_store_has_blob(hull_store *s, const char *digest) {
        char p[96];
        if (!hull_digest_is_valid(digest))
                return false;
        blob_path(p, digest);
        return faccessat(s->dfd, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static int blob_missing(hull_error **err, const char *digest, int e) {
        int r = e == ENOENT ? hull_error_set_raw(err, ENOENT, "blob %s is missing from the store", digest)
                            : hull_error_set(err, e, "read blob %s", digest);
        return hull_image_error_status(err, r, e == ENOENT ? HULL_IMAGE_EXIT_INVALID : HULL_IMAGE_EXIT_FAILURE);
}

int hull_store_read_blob(hull_store *s, const char *digest, size_t max, char **ret, size_t *ret_len,
                         hull_error **err) {
        if (!hull_digest_is_valid(digest))
                return hull_image_error_status(err, hull_error_set_raw(err, EINVAL, "invalid digest \"%s\"", digest),
                                               HULL_IMAGE_EXIT_INVALID);
        char p[96];
        blob_path(p, digest);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r = hull_read_file_at(s->dfd, p, max ? max : HULL_JSON_MAX, &buf, &len);
        if (r == -EFBIG)
                return hull_image_error_status(err, hull_error_set_raw(err, EFBIG, "blob %s is too big to be a JSON document", digest),
                                               HULL_IMAGE_EXIT_INVALID);
        if (r < 0)
                return blob_missing(err, digest, -r);
        char got[HULL_DIGEST_BUF];
        if (hull_digest_data(buf, len, got) < 0)
                return hull_error_set(err, ENOMEM, "digest");
        if (strcmp(got, digest) != 0)
                return hull_image_error_status(
                        err, hull_error_set_raw(err, EBADMSG, "blob %s is corrupt: its content has digest %s", digest, got),
                        HULL_IMAGE_EXIT_INVALID);
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int hull_store_open_blob(hull_store *s, const char *digest, int *ret_fd, uint64_t *ret_size, hull_error **err) {
        if (!hull_digest_is_valid(digest))
                return hull_image_error_status(err, hull_error_set_raw(err, EINVAL, "invalid digest \"%s\"", digest),
                                               HULL_IMAGE_EXIT_INVALID);
        char p[96];
        blob_path(p, digest);
        int fd = openat(s->dfd, p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        if (fd < 0)
                return blob_missing(err, digest, errno);
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                int e = errno;
                close(fd);
                return hull_error_set(err, S_ISREG(st.st_mode) ? e : EINVAL, "blob %s", digest);
        }
        *ret_fd = fd;
        if (ret_size)
                *ret_size = (uint64_t) st.st_size;
        return 0;
}

static int read_checked(hull_store *s, const hull_descriptor *d, const char *what, char **ret, size_t *ret_len,
                        hull_error **err) {
        if (d->size > HULL_JSON_MAX)
                return hull_image_error_status(err, hull_error_set_raw(err, EFBIG, "%s %s: %llu bytes is too big", what, d->digest,
                                                                       (unsigned long long) d->size),
                                               HULL_IMAGE_EXIT_INVALID);
        int r = hull_store_read_blob(s, d->digest, HULL_JSON_MAX, ret, ret_len, err);
        if (r < 0)
                return hull_error_prefix(err, "%s", what);
        if (*ret_len != d->size) {
                free(*ret);
                *ret = NULL;
                return hull_image_error_status(err, hull_error_set_raw(err, EBADMSG, "%s %s: size %zu, its descriptor says %llu", what,
                                                                       d->digest, *ret_len, (unsigned long long) d->size),
                                               HULL_IMAGE_EXIT_INVALID);
        }
        return 0;
}

int hull_store_read_manifest(hull_store *s, const hull_descriptor *desc, hull_manifest **ret, hull_error **err) {
        _cleanup_free_ char *buf = NULL;
        size_t len;
        int r = read_checked(s, desc, "manifest", &buf, &len, err);
        if (r < 0)
                return r;
        char where[128];
        snprintf(where, sizeof(where), "manifest %s", desc->digest);
        return hull_manifest_parse(buf, len, where, ret, err);
}

int hull_store_read_config(hull_store *s, const hull_descriptor *desc, hull_image_config **ret, char **ret_json,
                           hull_error **err) {
        _cleanup_free_ char *buf = NULL;
        size_t len;
        int r = read_checked(s, desc, "image config", &buf, &len, err);
        if (r < 0)
                return r;
        char where[128];
        snprintf(where, sizeof(where), "image config %s", desc->digest);
        if (ret && (r = hull_image_config_parse(buf, len, where, ret, err)) < 0)
                return r;
        if (ret_json)
                *ret_json = TAKE_PTR(buf);
        return 0;
}

int hull_store_index(hull_store *s, hull_index **ret, hull_error **err) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r = hull_read_file_at(s->dfd, "index.json", HULL_JSON_MAX, &buf, &len);
        if (r == -ENOENT) {
                hull_index *x = calloc(1, sizeof(*x));
                if (!x)
                        return hull_error_set(err, ENOMEM, "index.json");
                *ret = x;
                return 0;
        }
        if (r < 0)
                return hull_error_set(err, -r, "read %s/index.json", s->path);
        char where[4200];
        snprintf(where, sizeof(where), "%s/index.json", s->path);
        return hull_index_parse(buf, len, where, ret, err);
}

static const char *ref_name(const hull_descriptor *d) {
        return hull_image_kv_get(d->annotations, d->n_annotations, HULL_ANNOTATION_REF_NAME);
}

static bool is_hex(const char *s, size_t min, size_t max) {
        size_t n = strlen(s);
        if (n < min || n > max)
                return false;
        for (; *s; s++)
                if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
                        return false;
        return true;
}

int hull_store_resolve(hull_store *s, const char *ref, hull_descriptor *ret, char **ret_name, hull_error **err) {
        _cleanup_index_ hull_index *x = NULL;
        int r = hull_store_index(s, &x, err);
        if (r < 0)
                return r;
        const hull_descriptor *found = NULL;
        _cleanup_free_ char *name = NULL;

        _cleanup_free_ char *norm = NULL;
        if (ref && !hull_digest_is_valid(ref) && hull_image_ref_normalize(ref, &norm, NULL) == 0) {
                for (size_t i = 0; i < x->n_manifests && !found; i++) {
                        const char *n = ref_name(&x->manifests[i]);
                        if (n && (strcmp(n, norm) == 0 || strcmp(n, ref) == 0)) {
                                found = &x->manifests[i];
                                if (!(name = strdup(n)))
                                        return hull_error_set(err, ENOMEM, "resolve %s", ref);
                        }
                }
        }
        if (!found && ref) {
                const char *hex = hull_startswith(ref, HULL_DIGEST_PREFIX) ? ref + 7 : ref;
                if (is_hex(hex, 4, 64)) {
                        for (size_t i = 0; i < x->n_manifests; i++) {
                                const hull_descriptor *d = &x->manifests[i];
                                if (!hull_startswith(hull_digest_hex(d->digest), hex))
                                        continue;
                                if (found && strcmp(found->digest, d->digest) != 0)
                                        return hull_image_error_status(
                                                err, hull_error_set_raw(err, EINVAL, "\"%s\" is ambiguous: it is a prefix of %s and %s", ref, found->digest, d->digest),
                                                HULL_IMAGE_EXIT_USAGE);
                                if (!found)
                                        found = d;
                        }
                }
        }
        if (!found)
                return hull_image_error_status(err, hull_error_set_raw(err, ENOENT, "no such image: %s", ref ? ref : "(null)"),
                                               HULL_IMAGE_EXIT_NOT_FOUND);
        if (hull_descriptor_copy(ret, found) < 0)
                return hull_error_set(err, ENOMEM, "resolve %s", ref);
        if (ret_name)
                *ret_name = TAKE_PTR(name);
        return 0;
}

/* ---- garbage collection ---- */

static int reach(hull_store *s, const hull_descriptor *d, hull_strset *set, unsigned depth, hull_error **err) {
        int r = hull_strset_add(set, d->digest);
        if (r < 0)
                return hull_error_set(err, ENOMEM, "gc");
        if (r == 0 || !hull_store_has_blob(s, d->digest))
                return 0; /* seen, or missing (nothing below it to keep) */
        if (depth > 8)
                return hull_error_set_raw(err, ELOOP, "image indexes nested more than 8 deep");
        if (hull_media_type_is_index(d->media_type)) {
                _cleanup_free_ char *buf = NULL;
                size_t len;
                _cleanup_index_ hull_index *x = NULL;
                char where[128];
                snprintf(where, sizeof(where), "image index %s", d->digest);
                if ((r = hull_store_read_blob(s, d->digest, 0, &buf, &len, err)) < 0 ||
                    (r = hull_index_parse(buf, len, where, &x, err)) < 0)
                        return r;
                for (size_t i = 0; i < x->n_manifests; i++)
                        if ((r = reach(s, &x->manifests[i], set, depth + 1, err)) < 0)
                                return r;
                return 0;
        }
        if (!hull_media_type_is_manifest(d->media_type))
                return 0; /* a config or a layer */
        _cleanup_manifest_ hull_manifest *m = NULL;
        if ((r = hull_store_read_manifest(s, d, &m, err)) < 0)
                return r;
        if (hull_strset_add(set, m->config.digest) < 0)
                return hull_error_set(err, ENOMEM, "gc");
        for (size_t i = 0; i < m->n_layers; i++)
                if (hull_strset_add(set, m->layers[i].digest) < 0)
                        return hull_error_set(err, ENOMEM, "gc");
        return 0;
}

static void remove_stale_tmp(hull_store *s) {
        _cleanup_close_ int tfd = openat(s->dfd, ".hull/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (tfd < 0)
                return;
        DIR *d = fdopendir(fcntl(tfd, F_DUPFD_CLOEXEC, 3));
        if (!d)
                return;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                _cleanup_close_ int fd = openat(tfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (fd < 0) {
                        if (errno == ENOTDIR || errno == ELOOP)
                                (void) unlinkat(tfd, de->d_name, 0);
                        continue;
                }
                if (flock(fd, LOCK_EX | LOCK_NB) < 0)
                        continue; /* a live writer */
                hull_debug("store: removing the leftovers of a dead writer: .hull/tmp/%s", de->d_name);
                (void) hull_rm_rf_at(tfd, de->d_name);
        }
        closedir(d);
}

/* With the exclusive lock held. */
static int gc_locked(hull_store *s, size_t *ret_blobs, uint64_t *ret_bytes, hull_error **err) {
        _cleanup_index_ hull_index *x = NULL;
        int r = hull_store_index(s, &x, err);
        if (r < 0)
                return r;
        hull_strset keep = { 0 };
        for (size_t i = 0; i < x->n_manifests; i++)
                if ((r = reach(s, &x->manifests[i], &keep, 0, err)) < 0) {
                        hull_strset_done(&keep);
                        return hull_error_prefix(err, "garbage collection stopped, nothing was removed");
                }
        remove_stale_tmp(s);
        _cleanup_close_ int bfd = openat(s->dfd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (bfd < 0) {
                hull_strset_done(&keep);
                return errno == ENOENT ? 0 : hull_error_set(err, errno, "open %s/blobs/sha256", s->path);
        }
        DIR *d = fdopendir(fcntl(bfd, F_DUPFD_CLOEXEC, 3));
        if (!d) {
                hull_strset_done(&keep);
                return hull_error_set(err, errno, "read %s/blobs/sha256", s->path);
        }
        size_t n = 0;
        uint64_t bytes = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (!is_hex(de->d_name, 64, 64))
                        continue;
                char digest[HULL_DIGEST_BUF];
                snprintf(digest, sizeof(digest), HULL_DIGEST_PREFIX "%s", de->d_name);
                if (hull_strset_contains(&keep, digest))
                        continue;
                struct stat st;
                if (fstatat(bfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (unlinkat(bfd, de->d_name, 0) == 0) {
                        n++;
                        bytes += (uint64_t) st.st_size;
                        hull_debug("store: collected %s", digest);
                }
        }
        closedir(d);
        hull_strset_done(&keep);
        (void) fsync(bfd);
        if (ret_blobs)
                *ret_blobs = n;
        if (ret_bytes)
                *ret_bytes = bytes;
        return 0;
}

int hull_store_gc(hull_store *s, size_t *ret_blobs, uint64_t *ret_bytes, hull_error **err) {
        if (s->lockfd < 0)
                return hull_error_set_raw(err, EROFS, "the image store %s is read-only", s->path);
        if (flock_retry(s->lockfd, LOCK_EX) < 0)
                return hull_error_set(err, errno, "lock the image store %s", s->path);
        int r = gc_locked(s, ret_blobs, ret_bytes, err);
        (void) flock_retry(s->lockfd, LOCK_SH);
        return r;
}

/* Collects garbage if no one else uses the store (we hold the shared lock;
 * a failed non-blocking upgrade drops it, so it is taken again). */
static void gc_if_alone(hull_store *s) {
        if (s->lockfd < 0)
                return;
        if (flock(s->lockfd, LOCK_EX | LOCK_NB) == 0) {
                _cleanup_error_ hull_error *e = NULL;
                if (gc_locked(s, NULL, NULL, &e) < 0)
                        hull_debug("store: collecting garbage: %s", e->msg);
        }
        (void) flock_retry(s->lockfd, LOCK_SH);
}

/* ---- transactions ---- */

typedef struct txn_op {
        char *name;  /* or a digest */
        bool remove;
        hull_descriptor desc;
} txn_op;

struct hull_store_txn {
        hull_store *s;
        int tmpfd;      /* .hull/tmp */
        int dfd;        /* .hull/tmp/<name>, flock'ed */
        int bfd;        /* blobs/sha256 */
        char *name;
        unsigned counter;
        /* the blob being streamed */
        int blob_fd;
        char blob_tmp[32];
        hull_ostream *blob_file, *blob_digest;
        hull_strset added;
        txn_op *ops;
        size_t n_ops;
        bool committed;
};

static int index_lock(hull_store *s, hull_error **err) {
        int fd = openat(s->dfd, ".hull/index.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return hull_error_set(err, errno, "open %s/.hull/index.lock", s->path);
        if (flock_retry(fd, LOCK_EX) < 0) {
                int r = hull_error_set(err, errno, "lock %s/.hull/index.lock", s->path);
                close(fd);
                return r;
        }
        return fd;
}

int hull_store_txn_begin(hull_store *s, hull_store_txn **ret, hull_error **err) {
        if (s->lockfd < 0)
                return hull_error_set_raw(err, EROFS, "the image store %s is read-only", s->path);
        int r = hull_mkdir_p_at(s->dfd, ".hull/tmp", 0700);
        if (r < 0 || (r = hull_mkdir_p_at(s->dfd, "blobs/sha256", 0755)) < 0)
                return hull_error_set(err, -r, "prepare %s", s->path);
        hull_store_txn *t = calloc(1, sizeof(*t));
        if (!t)
                return hull_error_set(err, ENOMEM, "begin a store write");
        t->s = s;
        t->dfd = t->tmpfd = t->bfd = t->blob_fd = -1;
        _cleanup_txn_ hull_store_txn *owned = t;

        t->tmpfd = openat(s->dfd, ".hull/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        t->bfd = openat(s->dfd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (t->tmpfd < 0 || t->bfd < 0)
                return hull_error_set(err, errno, "open %s", s->path);

        /* Under the index lock, so that no one takes our new directory for
         * the leftovers of a dead writer before we lock it. */
        _cleanup_close_ int ilock = index_lock(s, err);
        if (ilock < 0)
                return ilock;
        bool stale = false;
        {
                DIR *d = fdopendir(fcntl(t->tmpfd, F_DUPFD_CLOEXEC, 3));
                struct dirent *de;
                while (d && (de = readdir(d))) {
                        if (de->d_name[0] == '.')
                                continue;
                        _cleanup_close_ int fd = openat(t->tmpfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                        if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
                                continue;
                        hull_debug("store: removing the leftovers of a dead writer: .hull/tmp/%s", de->d_name);
                        (void) hull_rm_rf_at(t->tmpfd, de->d_name);
                        stale = true;
                }
                if (d)
                        closedir(d);
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        for (unsigned attempt = 0;; attempt++) {
                free(t->name);
                if (asprintf(&t->name, "txn-%d-%lx-%u", (int) getpid(), (unsigned long) ts.tv_nsec, attempt) < 0) {
                        t->name = NULL;
                        return hull_error_set(err, ENOMEM, "begin a store write");
                }
                if (sys_mkdirat(t->tmpfd, t->name, 0700) == 0)
                        break;
                if (errno != EEXIST || attempt > 100)
                        return hull_error_set(err, errno, "create %s/.hull/tmp/%s", s->path, t->name);
        }
        t->dfd = openat(t->tmpfd, t->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (t->dfd < 0 || flock(t->dfd, LOCK_EX | LOCK_NB) < 0)
                return hull_error_set(err, errno, "lock %s/.hull/tmp/%s", s->path, t->name);
        if (stale)
                gc_if_alone(s);
        *ret = TAKE_PTR(owned);
        return 0;
}

static void blob_abort(hull_store_txn *t) {
        hull_ostream_free(t->blob_digest);
        hull_ostream_free(t->blob_file);
        t->blob_digest = t->blob_file = NULL;
        if (t->blob_fd >= 0) {
                close(t->blob_fd);
                t->blob_fd = -1;
                (void) unlinkat(t->dfd, t->blob_tmp, 0);
        }
}

void hull_store_txn_free(hull_store_txn *t) {
        if (!t)
                return;
        blob_abort(t);
        for (size_t i = 0; i < t->n_ops; i++) {
                free(t->ops[i].name);
                hull_descriptor_done(&t->ops[i].desc);
        }
        free(t->ops);
        if (t->dfd >= 0) {
                (void) hull_rm_rf_at(t->tmpfd, t->name);
                close(t->dfd);
        }
        if (!t->committed && t->added.n > 0)
                gc_if_alone(t->s);
        hull_strset_done(&t->added);
        if (t->tmpfd >= 0)
                close(t->tmpfd);
        if (t->bfd >= 0)
                close(t->bfd);
        free(t->name);
        free(t);
}

int hull_store_txn_dirfd(hull_store_txn *t) {
        return t->dfd;
}

/* Renames dfd/name into blobs/sha256/<hex of digest>. */
static int install_blob(hull_store_txn *t, int dfd, const char *name, const char *digest, hull_error **err) {
        const char *hex = hull_digest_hex(digest);
        bool existed = faccessat(t->bfd, hex, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
        if (sys_renameat(dfd, name, t->bfd, hex) < 0)
                return hull_error_set(err, errno, "store blob %s", digest);
        if (!existed && hull_strset_add(&t->added, digest) < 0)
                return hull_error_set(err, ENOMEM, "store blob %s", digest);
        return 0;
}

static int check_expected(const hull_descriptor *expect, const char *digest, uint64_t size, hull_error **err) {
        if (!expect)
                return 0;
        if (strcmp(expect->digest, digest) != 0)
                return hull_image_error_status(err, hull_error_set_raw(err, EBADMSG, "blob %s: its content has digest %s", expect->digest, digest),
                                               HULL_IMAGE_EXIT_INVALID);
        if (expect->size != size)
                return hull_image_error_status(err, hull_error_set_raw(err, EBADMSG, "blob %s: size %llu, its descriptor says %llu", digest,
                                                                       (unsigned long long) size, (unsigned long long) expect->size),
                                               HULL_IMAGE_EXIT_INVALID);
        return 0;
}

int hull_store_txn_blob_begin(hull_store_txn *t, hull_ostream **ret, hull_error **err) {
        blob_abort(t);
        snprintf(t->blob_tmp, sizeof(t->blob_tmp), "blob-%u", t->counter++);
        t->blob_fd = openat(t->dfd, t->blob_tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (t->blob_fd < 0)
                return hull_error_set(err, errno, "create a blob in %s", t->s->path);
        if (!(t->blob_file = hull_ostream_fd_new(t->blob_fd, "a blob")) ||
            !(t->blob_digest = hull_ostream_digest_new(t->blob_file))) {
                blob_abort(t);
                return hull_error_set(err, ENOMEM, "create a blob");
        }
        *ret = t->blob_digest;
        return 0;
}

int hull_store_txn_blob_end(hull_store_txn *t, const hull_descriptor *expect, char ret_digest[HULL_DIGEST_BUF],
                            uint64_t *ret_size, hull_error **err) {
        if (!t->blob_digest)
                return hull_error_set_raw(err, EINVAL, "no blob is being written");
        char digest[HULL_DIGEST_BUF];
        uint64_t size;
        hull_ostream_digest_get(t->blob_digest, digest, &size);
        int r = check_expected(expect, digest, size, err);
        if (r < 0) {
                blob_abort(t);
                return r;
        }
        if (sys_fsync(t->blob_fd) < 0) {
                r = hull_error_set(err, errno, "fsync blob %s", digest);
                blob_abort(t);
                return r;
        }
        r = install_blob(t, t->dfd, t->blob_tmp, digest, err);
        if (r < 0) {
                blob_abort(t);
                return r;
        }
        close(t->blob_fd);
        t->blob_fd = -1;
        blob_abort(t);
        if (ret_digest)
                memcpy(ret_digest, digest, HULL_DIGEST_BUF);
        if (ret_size)
                *ret_size = size;
        return 0;
}

int hull_store_txn_put(hull_store_txn *t, const void *data, size_t len, char ret_digest[HULL_DIGEST_BUF],
                       hull_error **err) {
        hull_ostream *o;
        int r = hull_store_txn_blob_begin(t, &o, err);
        if (r < 0)
                return r;
        r = hull_ostream_write(o, data, len, err);
        if (r < 0) {
                blob_abort(t);
                return r;
        }
        return hull_store_txn_blob_end(t, NULL, ret_digest, NULL, err);
}

int hull_store_txn_adopt(hull_store_txn *t, int dirfd, const char *name, const char *digest, bool verified,
                         char ret_digest[HULL_DIGEST_BUF], hull_error **err) {
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return hull_error_set(err, errno, "open %s", name);
        char got[HULL_DIGEST_BUF];
        int r = 0;
        if (verified && digest && hull_digest_is_valid(digest))
                memcpy(got, digest, HULL_DIGEST_BUF);
        else
                r = hull_digest_fd(fd, got, NULL);
        if (r < 0)
                return hull_error_set(err, -r, "read %s", name);
        if (digest && strcmp(got, digest) != 0)
                return hull_image_error_status(err, hull_error_set_raw(err, EBADMSG, "blob %s: its content has digest %s", digest, got),
                                               HULL_IMAGE_EXIT_INVALID);
        if (sys_fsync(fd) < 0)
                return hull_error_set(err, errno, "fsync blob %s", got);
        r = install_blob(t, dirfd, name, got, err);
        if (r < 0)
                return r;
        if (ret_digest)
                memcpy(ret_digest, got, HULL_DIGEST_BUF);
        return 0;
}

static int add_op(hull_store_txn *t, const char *name, bool remove, const hull_descriptor *desc, hull_error **err) {
        txn_op *n = realloc(t->ops, (t->n_ops + 1) * sizeof(*n));
        if (!n)
                return hull_error_set(err, ENOMEM, "index");
        t->ops = n;
        txn_op *op = &t->ops[t->n_ops];
        memset(op, 0, sizeof(*op));
        if (name && !(op->name = strdup(name)))
                return hull_error_set(err, ENOMEM, "index");
        op->remove = remove;
        if (desc && hull_descriptor_copy(&op->desc, desc) < 0) {
                free(op->name);
                return hull_error_set(err, ENOMEM, "index");
        }
        t->n_ops++;
        return 0;
}

int hull_store_txn_set_name(hull_store_txn *t, const char *name, const hull_descriptor *desc, hull_error **err) {
        _cleanup_free_ char *norm = NULL;
        if (name) {
                int r = hull_image_ref_normalize(name, &norm, err);
                if (r < 0)
                        return r;
        }
        return add_op(t, norm, false, desc, err);
}

int hull_store_txn_remove(hull_store_txn *t, const char *name_or_digest, hull_error **err) {
        return add_op(t, name_or_digest, true, NULL, err);
}

static json_t *index_entry(const char *name, const hull_descriptor *d) {
        json_t *o = json_pack("{s:s, s:s, s:I}", "mediaType", d->media_type ? d->media_type : HULL_MT_OCI_MANIFEST, "digest",
                              d->digest, "size", (json_int_t) d->size);
        if (!o)
                return NULL;
        if (name)
                json_object_set_new(o, "annotations", json_pack("{s:s}", HULL_ANNOTATION_REF_NAME, name));
        if (d->has_platform && d->architecture && d->os) {
                json_t *p = json_pack("{s:s, s:s}", "architecture", d->architecture, "os", d->os);
                if (p && d->variant)
                        json_object_set_new(p, "variant", json_string(d->variant));
                json_object_set_new(o, "platform", p);
        }
        return o;
}

static const char *entry_name(json_t *e) {
        return json_string_value(json_object_get(json_object_get(e, "annotations"), HULL_ANNOTATION_REF_NAME));
}

int hull_store_txn_commit(hull_store_txn *t, hull_error **err) {
        hull_store *s = t->s;
        blob_abort(t);
        /* The blobs' directory entries are durable before a name points at them. */
        if (sys_fsync(t->bfd) < 0)
                return hull_error_set(err, errno, "fsync %s/blobs/sha256", s->path);
        if (t->n_ops == 0) {
                t->committed = true;
                return 0;
        }
        _cleanup_close_ int ilock = index_lock(s, err);
        if (ilock < 0)
                return ilock;
        _cleanup_free_ char *old = NULL;
        size_t len = 0;
        json_t *root = NULL;
        int r = hull_read_file_at(s->dfd, "index.json", HULL_JSON_MAX, &old, &len);
        if (r == -ENOENT)
                root = hull_json_loads(EMPTY_INDEX, 0, NULL);
        else if (r < 0)
                return hull_error_set(err, -r, "read %s/index.json", s->path);
        else {
                /* Validate with the real parser, then edit the JSON in place so
                 * that what other tools put there survives. */
                _cleanup_index_ hull_index *x = NULL;
                char where[4200];
                snprintf(where, sizeof(where), "%s/index.json", s->path);
                if ((r = hull_index_parse(old, len, where, &x, err)) < 0)
                        return r;
                root = hull_json_loadb(old, len, 0, NULL);
        }
        json_t *ms = json_object_get(root, "manifests");
        if (!root || !json_is_array(ms)) {
                json_decref(root);
                return hull_error_set(err, ENOMEM, "index.json");
        }
        for (size_t i = 0; i < t->n_ops; i++) {
                txn_op *op = &t->ops[i];
                bool by_digest = op->remove && op->name && hull_digest_is_valid(op->name);
                for (size_t j = json_array_size(ms); j-- > 0;) {
                        json_t *e = json_array_get(ms, j);
                        const char *n = entry_name(e);
                        const char *dg = json_string_value(json_object_get(e, "digest"));
                        bool match = by_digest ? (dg && strcmp(dg, op->name) == 0)
                                               : op->name ? (n && strcmp(n, op->name) == 0)
                                                          : (!n && dg && strcmp(dg, op->desc.digest) == 0);
                        if (match)
                                json_array_remove(ms, j);
                }
                if (!op->remove && json_array_append_new(ms, index_entry(op->name, &op->desc)) < 0) {
                        json_decref(root);
                        return hull_error_set(err, ENOMEM, "index.json");
                }
        }
        _cleanup_free_ char *text = json_dumps(root, JSON_COMPACT);
        json_decref(root);
        if (!text)
                return hull_error_set(err, ENOMEM, "index.json");
        _cleanup_close_ int fd = openat(t->dfd, "index.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return hull_error_set(err, errno, "write %s/index.json", s->path);
        _cleanup_ostream_ hull_ostream *o = hull_ostream_fd_new(fd, "index.json");
        if (!o)
                return hull_error_set(err, ENOMEM, "index.json");
        if ((r = hull_ostream_write(o, text, strlen(text), err)) < 0)
                return r;
        if (sys_fsync(fd) < 0)
                return hull_error_set(err, errno, "fsync %s/index.json", s->path);
        if (sys_renameat(t->dfd, "index.json", s->dfd, "index.json") < 0)
                return hull_error_set(err, errno, "replace %s/index.json", s->path);
        t->committed = true;
        if (sys_fsync(s->dfd) < 0)
                hull_warn("fsync %s: %s", s->path, strerror(errno));
        return 0;
}
