/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The resolver's view of the configuration of a root (internal to
 * src/lib/build): ld.so.conf, nsswitch.conf, gconv-modules, the default
 * directories compiled into an interpreter, the glibc-hwcaps levels of this
 * CPU.  Text files are parsed with every message naming file:line:column;
 * like ldconfig and glibc, what they would skip is a warning (through the
 * log sink and the `warnings` vector), not a failure. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Reads `path` (inside rootfd) and its includes (globs relative to the
 * including file's directory; only the last component may hold wildcards),
 * appending each directory (trailing '/' removed, duplicates dropped) to
 * *dirs.  A missing file is not an error.  Returns 0 or a negative value
 * with *err set. */
int hull_ldconf_read(int rootfd, const char *path, char ***dirs, char ***warnings, hull_error **err);

/* An NSS service that needs a module: "systemd" at file:line:column. */
typedef struct hull_nss_service {
        char *service;
        char *where; /* "file:line:column" */
} hull_nss_service;

/* Parses nsswitch.conf text; `name` is used in messages.  Returns 0 with
 * the services beyond the built-in files and dns (each once, in order of
 * appearance; *ret owned by the caller, hull_nss_services_free) or a
 * negative value with *err set (-ENOMEM only: syntax glibc ignores is a
 * warning). */
int hull_nss_parse(const char *text, const char *name, hull_nss_service **ret, size_t *ret_n, char ***warnings,
                   hull_error **err);
void hull_nss_services_free(hull_nss_service *s, size_t n);

/* gconv-modules: which module files serve a character set.  Reads
 * dir/gconv-modules and dir/gconv-modules.d/ *.conf inside rootfd; for each
 * charset of `charsets` (or every module with "all") appends the module file
 * names (basename with ".so") to *ret, and the configuration files' paths to
 * *ret_config.  A charset that no module serves fails with *err naming it. */
int hull_gconv_modules(int rootfd, const char *dir, char *const *charsets, char ***ret, char ***ret_config,
                       hull_error **err);

/* The default directories compiled into an interpreter (glibc's
 * system_dirs: "/lib/x86_64-linux-gnu/\0/usr/lib/x86_64-linux-gnu/\0/lib/\0
 * /usr/lib/\0"), found in its bytes.  Returns 1 and *ret (no trailing '/';
 * owned by the caller), 0 when the file holds no such list, or -errno. */
int hull_interp_system_dirs(const void *data, size_t size, char ***ret);

/* The default directories for an ELF class and machine when the interpreter
 * does not say: Debian's multiarch layout (/lib/TRIPLET, /usr/lib/TRIPLET,
 * /lib, /usr/lib).  Returns 0 or -ENOMEM. */
int hull_default_system_dirs(uint8_t elf_class, uint16_t machine, uint32_t e_flags, char ***ret);

/* The path of the standard interpreter for a class and machine
 * ("/lib64/ld-linux-x86-64.so.2"), or NULL. */
const char *hull_standard_interp(uint8_t elf_class, uint16_t machine);

/* The glibc-hwcaps subdirectories this CPU supports, best first
 * ("x86-64-v3", "x86-64-v2"), from /proc/cpuinfo's flags; empty on other
 * architectures.  Returns 0 or -ENOMEM. */
int hull_host_hwcaps(char ***ret);

/* A path string with "//" collapsed, "/./" removed and no trailing '/'
 * ("/" stays "/").  ".." is kept: it is resolved against real directories.
 * Returns a new string or NULL. */
char *hull_path_clean(const char *p);
