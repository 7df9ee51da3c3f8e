/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The configuration a root gives the resolver (see deps-config.h). */
#include "deps-config.h"

#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"

#ifndef _cleanup_
#define _cleanup_(f) __attribute__((cleanup(f)))
#endif

#define LDCONF_MAX_DEPTH 16
#define CONFIG_MAX_SIZE (4u << 20)

static int warn(char ***warnings, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int warn(char ***warnings, const char *fmt, ...) {
        va_list ap;
        char *m = NULL;
        va_start(ap, fmt);
        if (vasprintf(&m, fmt, ap) < 0)
                m = NULL;
        va_end(ap);
        if (!m)
                return -ENOMEM;
        hull_warn("%s", m);
        if (!warnings)
                return free(m), 0;
        return hull_strv_consume(warnings, m);
}

char *hull_path_clean(const char *p) {
        size_t n = strlen(p);
        char *out = malloc(n + 2);
        if (!out)
                return NULL;
        size_t o = 0;
        for (size_t i = 0; i < n;) {
                if (p[i] == '/') {
                        if (o == 0 || out[o - 1] != '/')
                                out[o++] = '/';
                        i++;
                        continue;
                }
                /* a "." component */
                if (p[i] == '.' && (i + 1 == n || p[i + 1] == '/') && (o == 0 || out[o - 1] == '/')) {
                        i++;
                        continue;
                }
                out[o++] = p[i++];
        }
        while (o > 1 && out[o - 1] == '/')
                o--;
        if (o == 0)
                out[o++] = p[0] == '/' ? '/' : '.';
        out[o] = 0;
        return out;
}

static int read_text_in_root(int rootfd, const char *path, char **ret) {
        _cleanup_close_ int fd = hull_open_in_root(rootfd, path, O_RDONLY | O_NOCTTY, 0);
        if (fd < 0)
                return fd;
        char p[HULL_FD_PATH_MAX];
        return hull_read_file_at(AT_FDCWD, hull_fd_path(fd, p, sizeof(p)), CONFIG_MAX_SIZE, ret, NULL);
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sorts a string vector in byte order (what glob(3) gives in the C locale). */
static void sort_strv(char **v) {
        size_t n = hull_strv_length(v);
        if (n > 1)
                qsort(v, n, sizeof(char *), cmp_str);
}

static bool has_glob(const char *s) {
        return strpbrk(s, "*?[") != NULL;
}

static int ldconf_file(int rootfd, const char *path, int depth, char ***dirs, char ***warnings, hull_error **err);

/* `include PATTERN` on file:line:column. */
static int ldconf_include(int rootfd, const char *file, unsigned line, unsigned col, const char *pattern, int depth,
                          char ***dirs, char ***warnings, hull_error **err) {
        _cleanup_free_ char *full = NULL;
        if (pattern[0] != '/') {
                const char *slash = strrchr(file, '/');
                full = hull_strdup_printf("%.*s/%s", slash ? (int) (slash - file) : 0, file, pattern);
        } else
                full = strdup(pattern);
        if (!full)
                return hull_error_set(err, ENOMEM, "%s", file);
        char *slash = strrchr(full, '/');
        *slash = 0;
        const char *dir = *full ? full : "/", *base = slash + 1;
        if (has_glob(dir)) {
                int r = warn(warnings, "%s:%u:%u: include %s: wildcards are supported in the last component only",
                             file, line, col, pattern);
                return r < 0 ? hull_error_set(err, -r, "%s", file) : 0;
        }
        if (!has_glob(base)) {
                _cleanup_free_ char *one = hull_strdup_printf("%s/%s", dir, base);
                if (!one)
                        return hull_error_set(err, ENOMEM, "%s", file);
                return ldconf_file(rootfd, one, depth + 1, dirs, warnings, err);
        }
        int dfd = hull_open_in_root(rootfd, dir, O_RDONLY | O_DIRECTORY, 0);
        if (dfd < 0)
                return 0; /* like glob(): no directory, no match */
        DIR *d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return hull_error_set(err, errno, "%s:%u:%u: read %s", file, line, col, dir);
        }
        _cleanup_strv_ char **names = NULL;
        struct dirent *de;
        while ((de = readdir(d)))
                if (fnmatch(base, de->d_name, FNM_PERIOD) == 0 && hull_strv_push(&names, de->d_name) < 0) {
                        closedir(d);
                        return hull_error_set(err, ENOMEM, "%s", file);
                }
        closedir(d);
        size_t n = hull_strv_length(names);
        sort_strv(names);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *one = hull_strdup_printf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, names[i]);
                if (!one)
                        return hull_error_set(err, ENOMEM, "%s", file);
                int r = ldconf_file(rootfd, one, depth + 1, dirs, warnings, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int ldconf_file(int rootfd, const char *path, int depth, char ***dirs, char ***warnings, hull_error **err) {
        if (depth > LDCONF_MAX_DEPTH)
                return hull_error_set_raw(err, ELOOP, "%s: includes nest deeper than %d files (a loop?)", path,
                                          LDCONF_MAX_DEPTH);
        _cleanup_free_ char *text = NULL;
        int r = read_text_in_root(rootfd, path, &text);
        if (r == -ENOENT || r == -ENOTDIR || r == -EISDIR)
                return 0;
        if (r < 0)
                return hull_error_set(err, -r, "read %s", path);
        unsigned lineno = 0;
        for (char *line = text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                lineno++;
                char *hash = strchr(line, '#');
                if (hash)
                        *hash = 0;
                char *cp = line;
                while (isspace((unsigned char) *cp))
                        cp++;
                if (!*cp)
                        continue;
                unsigned col = (unsigned) (cp - line + 1);
                if (strncmp(cp, "include", 7) == 0 && (cp[7] == ' ' || cp[7] == '\t')) {
                        char *rest = cp + 8;
                        for (char *w; (w = strsep(&rest, " \t"));) {
                                if (!*w)
                                        continue;
                                /* strip trailing CR/blanks of the last word */
                                size_t wl = strlen(w);
                                while (wl && isspace((unsigned char) w[wl - 1]))
                                        w[--wl] = 0;
                                if (!wl)
                                        continue;
                                r = ldconf_include(rootfd, path, lineno, (unsigned) (w - line + 1), w, depth, dirs,
                                                   warnings, err);
                                if (r < 0)
                                        return r;
                        }
                        continue;
                }
                if (strncasecmp(cp, "hwcap", 5) == 0 && (cp[5] == ' ' || cp[5] == '\t')) {
                        r = warn(warnings, "%s:%u:%u: hwcap lines are no longer supported by ldconfig; ignored", path,
                                 lineno, col);
                        if (r < 0)
                                return hull_error_set(err, -r, "%s", path);
                        continue;
                }
                /* A directory, maybe with an old "=TYPE" suffix. */
                char *eq = strchr(cp, '=');
                if (eq)
                        *eq = 0;
                size_t l = strlen(cp);
                while (l && (isspace((unsigned char) cp[l - 1]) || cp[l - 1] == '/'))
                        cp[--l] = 0;
                if (!l) {
                        if (*line && strchr(line, '/')) {
                                /* "/" itself */
                                if (!hull_strv_contains(*dirs, "/") && hull_strv_push(dirs, "/") < 0)
                                        return hull_error_set(err, ENOMEM, "%s", path);
                        }
                        continue;
                }
                if (cp[0] != '/') {
                        r = warn(warnings, "%s:%u:%u: relative directory \"%s\" ignored (ldconfig refuses it too)", path,
                                 lineno, col, cp);
                        if (r < 0)
                                return hull_error_set(err, -r, "%s", path);
                        continue;
                }
                _cleanup_free_ char *clean = hull_path_clean(cp);
                if (!clean)
                        return hull_error_set(err, ENOMEM, "%s", path);
                if (!hull_strv_contains(*dirs, clean) && hull_strv_push(dirs, clean) < 0)
                        return hull_error_set(err, ENOMEM, "%s", path);
        }
        return 0;
}

int hull_ldconf_read(int rootfd, const char *path, char ***dirs, char ***warnings, hull_error **err) {
        return ldconf_file(rootfd, path, 0, dirs, warnings, err);
}

void hull_nss_services_free(hull_nss_service *s, size_t n) {
        for (size_t i = 0; s && i < n; i++) {
                free(s[i].service);
                free(s[i].where);
        }
        free(s);
}

static int nss_add(hull_nss_service **v, size_t *n, const char *service, size_t len, const char *name,
                   unsigned line, unsigned col) {
        for (size_t i = 0; i < *n; i++)
                if (strlen((*v)[i].service) == len && strncmp((*v)[i].service, service, len) == 0)
                        return 0;
        hull_nss_service *nv = realloc(*v, (*n + 1) * sizeof(**v));
        if (!nv)
                return -ENOMEM;
        *v = nv;
        nv[*n].service = strndup(service, len);
        nv[*n].where = hull_strdup_printf("%s:%u:%u", name, line, col);
        if (!nv[*n].service || !nv[*n].where) {
                free(nv[*n].service);
                free(nv[*n].where);
                return -ENOMEM;
        }
        (*n)++;
        return 0;
}

int hull_nss_parse(const char *text, const char *name, hull_nss_service **ret, size_t *ret_n, char ***warnings,
                   hull_error **err) {
        hull_nss_service *v = NULL;
        size_t n = 0;
        unsigned lineno = 0;
        int r = 0;
        for (const char *line = text; line && *line;) {
                const char *end = strchr(line, '\n');
                size_t len = end ? (size_t) (end - line) : strlen(line);
                lineno++;
                const char *hash = memchr(line, '#', len);
                if (hash)
                        len = (size_t) (hash - line);
                size_t i = 0;
                while (i < len && isspace((unsigned char) line[i]))
                        i++;
                if (i < len) {
                        const char *colon = memchr(line + i, ':', len - i);
                        if (!colon) {
                                r = warn(warnings, "%s:%u:%zu: expected \"database: service...\"; glibc ignores this line",
                                         name, lineno, i + 1);
                                if (r < 0)
                                        goto fail;
                        } else {
                                size_t k = (size_t) (colon - line) + 1;
                                while (k < len) {
                                        while (k < len && isspace((unsigned char) line[k]))
                                                k++;
                                        if (k >= len)
                                                break;
                                        if (line[k] == '[') {
                                                const char *close = memchr(line + k, ']', len - k);
                                                if (!close) {
                                                        r = warn(warnings, "%s:%u:%zu: unterminated [action]; glibc "
                                                                 "ignores the rest of the line", name, lineno, k + 1);
                                                        if (r < 0)
                                                                goto fail;
                                                        break;
                                                }
                                                k = (size_t) (close - line) + 1;
                                                continue;
                                        }
                                        size_t s = k;
                                        while (k < len && !isspace((unsigned char) line[k]) && line[k] != '[')
                                                k++;
                                        size_t wl = k - s;
                                        bool ok = true;
                                        for (size_t c = s; c < k; c++)
                                                if (!isalnum((unsigned char) line[c]) && line[c] != '_' && line[c] != '-')
                                                        ok = false;
                                        if (!ok) {
                                                r = warn(warnings, "%s:%u:%zu: \"%.*s\" is not a service name; ignored",
                                                         name, lineno, s + 1, (int) wl, line + s);
                                                if (r < 0)
                                                        goto fail;
                                                continue;
                                        }
                                        if ((wl == 5 && strncmp(line + s, "files", 5) == 0) ||
                                            (wl == 3 && strncmp(line + s, "dns", 3) == 0))
                                                continue; /* built into libc.so.6 since glibc 2.34 */
                                        r = nss_add(&v, &n, line + s, wl, name, lineno, (unsigned) s + 1);
                                        if (r < 0)
                                                goto fail;
                                }
                        }
                }
                line = end ? end + 1 : NULL;
        }
        *ret = v;
        *ret_n = n;
        return 0;
fail:
        hull_nss_services_free(v, n);
        return hull_error_set(err, -r, "%s", name);
}

/* Charsets that glibc converts without a module (iconv/gconv_builtin.h). */
static const char *const gconv_builtin[] = {
        "INTERNAL", "ISO-10646/UCS4/", "UCS-4//", "UCS-4BE//", "CSUCS4//", "ISO-10646//", "10646-1:1993//",
        "10646-1:1993/UCS4/", "OSF00010104//", "OSF00010105//", "OSF00010106//", "WCHAR_T//", "UCS-4LE//",
        "ISO-10646/UTF8/", "ISO-10646/UTF-8/", "ISO-IR-193//", "OSF05010001//", "ISO-10646/UTF-8//", "UTF8//",
        "UTF-8//", "ISO-10646/UCS2/", "UCS-2//", "OSF00010100//", "OSF00010101//", "OSF00010102//",
        "ANSI_X3.4-1968//", "ISO-IR-6//", "ANSI_X3.4-1986//", "ISO_646.IRV:1991//", "ASCII//", "ISO646-US//",
        "US-ASCII//", "US//", "IBM367//", "CP367//", "CSASCII//", "OSF00010020//", "UNICODEBIG//", "UCS-2BE//",
        "UCS-2LE//", "UNICODELITTLE//", "UTF-7//", "UTF7//", "UTF-7-IMAP//",
};

typedef struct gconv_conf {
        char **alias_from, **alias_to;
        char **mod_from, **mod_to, **mod_file;
} gconv_conf;

static void gconv_conf_done(gconv_conf *c) {
        hull_strv_free(c->alias_from);
        hull_strv_free(c->alias_to);
        hull_strv_free(c->mod_from);
        hull_strv_free(c->mod_to);
        hull_strv_free(c->mod_file);
}

static int gconv_parse(const char *text, gconv_conf *c) {
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        for (char *line = copy, *next; line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                char *hash = strchr(line, '#');
                if (hash)
                        *hash = 0;
                char *w[5];
                int k = 0;
                for (char *save = NULL, *t = strtok_r(line, " \t\r", &save); t && k < 5; t = strtok_r(NULL, " \t\r", &save))
                        w[k++] = t;
                int r = 0;
                if (k >= 3 && strcmp(w[0], "alias") == 0) {
                        if ((r = hull_strv_push(&c->alias_from, w[1])) < 0 || (r = hull_strv_push(&c->alias_to, w[2])) < 0)
                                return r;
                } else if (k >= 4 && strcmp(w[0], "module") == 0) {
                        if ((r = hull_strv_push(&c->mod_from, w[1])) < 0 || (r = hull_strv_push(&c->mod_to, w[2])) < 0 ||
                            (r = hull_strv_push(&c->mod_file, w[3])) < 0)
                                return r;
                }
        }
        return 0;
}

static char *charset_key(const char *cs) {
        size_t n = strlen(cs);
        char *k = malloc(n + 3);
        if (!k)
                return NULL;
        for (size_t i = 0; i < n; i++)
                k[i] = (char) toupper((unsigned char) cs[i]);
        k[n] = 0;
        if (!strchr(k, '/'))
                strcat(k, "//");
        return k;
}

static int push_unique(char ***v, const char *s) {
        return hull_strv_contains(*v, s) ? 0 : hull_strv_push(v, s);
}

static int module_so(char ***ret, const char *file) {
        if (strchr(file, '/'))
                return push_unique(ret, file); /* an absolute module path */
        _cleanup_free_ char *so = hull_strdup_printf("%s.so", file);
        return so ? push_unique(ret, so) : -ENOMEM;
}

int hull_gconv_modules(int rootfd, const char *dir, char *const *charsets, char ***ret, char ***ret_config,
                       hull_error **err) {
        _cleanup_(gconv_conf_done) gconv_conf c = { 0 };
        _cleanup_strv_ char **files = NULL;
        _cleanup_free_ char *main_conf = hull_strdup_printf("%s/gconv-modules", dir);
        _cleanup_free_ char *conf_dir = hull_strdup_printf("%s/gconv-modules.d", dir);
        _cleanup_free_ char *cache = hull_strdup_printf("%s/gconv-modules.cache", dir);
        if (!main_conf || !conf_dir || !cache || hull_strv_push(&files, main_conf) < 0)
                return hull_error_set(err, ENOMEM, "gconv");
        int dfd = hull_open_in_root(rootfd, conf_dir, O_RDONLY | O_DIRECTORY, 0);
        if (dfd >= 0) {
                DIR *d = fdopendir(dfd);
                if (!d) {
                        close(dfd);
                        return hull_error_set(err, errno, "read %s", conf_dir);
                }
                _cleanup_strv_ char **names = NULL;
                struct dirent *de;
                while ((de = readdir(d))) {
                        size_t l = strlen(de->d_name);
                        if (de->d_name[0] != '.' && l > 5 && strcmp(de->d_name + l - 5, ".conf") == 0 &&
                            hull_strv_push(&names, de->d_name) < 0) {
                                closedir(d);
                                return hull_error_set(err, ENOMEM, "gconv");
                        }
                }
                closedir(d);
                size_t n = hull_strv_length(names);
                sort_strv(names);
                for (size_t i = 0; i < n; i++)
                        if (hull_strv_consume(&files, hull_strdup_printf("%s/%s", conf_dir, names[i])) < 0)
                                return hull_error_set(err, ENOMEM, "gconv");
        }
        bool any = false;
        for (size_t i = 0; files[i]; i++) {
                _cleanup_free_ char *text = NULL;
                int r = read_text_in_root(rootfd, files[i], &text);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return hull_error_set(err, -r, "read %s", files[i]);
                if ((r = gconv_parse(text, &c)) < 0 || (r = push_unique(ret_config, files[i])) < 0)
                        return hull_error_set(err, -r, "%s", files[i]);
                any = true;
        }
        if (!any)
                return hull_error_set_raw(err, ENOENT, "gconv modules requested but %s does not exist", main_conf);
        _cleanup_close_ int cfd = hull_open_in_root(rootfd, cache, O_PATH, 0);
        if (cfd >= 0 && push_unique(ret_config, cache) < 0)
                return hull_error_set(err, ENOMEM, "gconv");

        for (size_t i = 0; charsets && charsets[i]; i++) {
                if (strcmp(charsets[i], "all") == 0) {
                        for (size_t m = 0; c.mod_file && c.mod_file[m]; m++)
                                if (module_so(ret, c.mod_file[m]) < 0)
                                        return hull_error_set(err, ENOMEM, "gconv");
                        continue;
                }
                _cleanup_free_ char *key = charset_key(charsets[i]);
                if (!key)
                        return hull_error_set(err, ENOMEM, "gconv");
                for (size_t a = 0; c.alias_from && c.alias_from[a]; a++)
                        if (strcmp(c.alias_from[a], key) == 0) {
                                free(key);
                                if (!(key = strdup(c.alias_to[a])))
                                        return hull_error_set(err, ENOMEM, "gconv");
                                break;
                        }
                bool found = false;
                for (size_t b = 0; b < ELEMENTSOF(gconv_builtin); b++)
                        if (strcmp(gconv_builtin[b], key) == 0)
                                found = true;
                for (size_t m = 0; c.mod_file && c.mod_file[m]; m++)
                        if (strcmp(c.mod_from[m], key) == 0 || strcmp(c.mod_to[m], key) == 0) {
                                if (module_so(ret, c.mod_file[m]) < 0)
                                        return hull_error_set(err, ENOMEM, "gconv");
                                found = true;
                        }
                if (!found)
                        return hull_error_set_raw(err, ENOENT, "gconv: no module in %s serves the character set \"%s\"",
                                                  main_conf, charsets[i]);
        }
        return 0;
}

static bool sysdir_string(const char *s, size_t len) {
        if (len < 2 || len > 256 || s[0] != '/' || s[len - 1] != '/' || !memmem(s, len, "lib", 3))
                return false;
        for (size_t i = 0; i < len; i++)
                if (!isalnum((unsigned char) s[i]) && !strchr("/_-.+", s[i]))
                        return false;
        return true;
}

int hull_interp_system_dirs(const void *data, size_t size, char ***ret) {
        const char *d = data, *end = d + size;
        for (const char *p = d; p + 1 < end; p++) {
                if (p[0] != 0 || p[1] != '/')
                        continue;
                const char *s = p + 1;
                size_t k = 0;
                bool usr = false;
                const char *q = s;
                while (q < end) {
                        const char *nul = memchr(q, 0, (size_t) (end - q));
                        if (!nul || !sysdir_string(q, (size_t) (nul - q)))
                                break;
                        if (strncmp(q, "/usr/", 5) == 0)
                                usr = true;
                        k++;
                        q = nul + 1;
                }
                if (k < 2 || !usr)
                        continue;
                char **v = NULL;
                for (q = s; k > 0; k--) {
                        size_t l = strlen(q);
                        char *dir = strndup(q, l > 1 ? l - 1 : l);
                        if (!dir || (!hull_strv_contains(v, dir) ? hull_strv_consume(&v, dir) : (free(dir), 0)) < 0) {
                                hull_strv_free(v);
                                return -ENOMEM;
                        }
                        q += l + 1;
                }
                *ret = v;
                return 1;
        }
        return 0;
}

static const char *triplet(uint8_t elf_class, uint16_t machine, uint32_t e_flags) {
        bool is64 = elf_class == ELFCLASS64;
        switch (machine) {
        case EM_X86_64: return is64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
        case EM_386: return "i386-linux-gnu";
        case EM_AARCH64: return "aarch64-linux-gnu";
        case EM_ARM: return (e_flags & EF_ARM_ABI_FLOAT_HARD) ? "arm-linux-gnueabihf" : "arm-linux-gnueabi";
        case EM_PPC64: return "powerpc64le-linux-gnu";
        case EM_PPC: return "powerpc-linux-gnu";
        case EM_S390: return "s390x-linux-gnu";
        case EM_RISCV: return "riscv64-linux-gnu";
        case EM_MIPS: return is64 ? "mips64el-linux-gnuabi64" : "mipsel-linux-gnu";
        case EM_LOONGARCH: return "loongarch64-linux-gnu";
        case EM_SPARCV9: return "sparc64-linux-gnu";
        default: return NULL;
        }
}

int hull_default_system_dirs(uint8_t elf_class, uint16_t machine, uint32_t e_flags, char ***ret) {
        const char *t = triplet(elf_class, machine, e_flags);
        char **v = NULL;
        int r = 0;
        if (t && ((r = hull_strv_consume(&v, hull_strdup_printf("/lib/%s", t))) < 0 ||
                  (r = hull_strv_consume(&v, hull_strdup_printf("/usr/lib/%s", t))) < 0))
                goto fail;
        if ((r = hull_strv_push(&v, "/lib")) < 0 || (r = hull_strv_push(&v, "/usr/lib")) < 0)
                goto fail;
        *ret = v;
        return 0;
fail:
        hull_strv_free(v);
        return r;
}

const char *hull_standard_interp(uint8_t elf_class, uint16_t machine) {
        bool is64 = elf_class == ELFCLASS64;
        switch (machine) {
        case EM_X86_64: return is64 ? "/lib64/ld-linux-x86-64.so.2" : "/libx32/ld-linux-x32.so.2";
        case EM_386: return "/lib/ld-linux.so.2";
        case EM_AARCH64: return "/lib/ld-linux-aarch64.so.1";
        case EM_ARM: return "/lib/ld-linux-armhf.so.3";
        case EM_PPC64: return "/lib64/ld64.so.2";
        case EM_S390: return is64 ? "/lib/ld64.so.1" : "/lib/ld.so.1";
        case EM_RISCV: return "/lib/ld-linux-riscv64-lp64d.so.1";
        default: return NULL;
        }
}

int hull_host_hwcaps(char ***ret) {
        char **v = calloc(1, sizeof(char *));
        if (!v)
                return -ENOMEM;
#if defined(__x86_64__)
        _cleanup_free_ char *text = NULL;
        if (hull_read_file_at(AT_FDCWD, "/proc/cpuinfo", 0, &text, NULL) == 0) {
                char *flags = strstr(text, "\nflags");
                char *colon = flags ? strchr(flags, ':') : NULL;
                char *eol = colon ? strchr(colon, '\n') : NULL;
                if (colon) {
                        if (eol)
                                *eol = 0;
                        /* " word " lookups in the flags line */
                        _cleanup_free_ char *line = hull_strdup_printf("%s ", colon + 1);
                        static const char *const v2[] = { "cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3" };
                        static const char *const v3[] = { "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave" };
                        static const char *const v4[] = { "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl" };
                        const char *const *levels[] = { v2, v3, v4 };
                        size_t counts[] = { ELEMENTSOF(v2), ELEMENTSOF(v3), ELEMENTSOF(v4) };
                        bool ok[3] = { false, false, false };
                        for (size_t l = 0; line && l < 3; l++) {
                                ok[l] = l == 0 || ok[l - 1];
                                for (size_t i = 0; ok[l] && i < counts[l]; i++) {
                                        char w[32];
                                        snprintf(w, sizeof(w), " %s ", levels[l][i]);
                                        if (!strstr(line, w))
                                                ok[l] = false;
                                }
                        }
                        static const char *const names[] = { "x86-64-v2", "x86-64-v3", "x86-64-v4" };
                        for (int l = 2; l >= 0; l--)
                                if (ok[l] && hull_strv_push(&v, names[l]) < 0) {
                                        hull_strv_free(v);
                                        return -ENOMEM;
                                }
                }
        }
#endif
        *ret = v;
        return 0;
}
