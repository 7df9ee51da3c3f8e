/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The root filesystem of an image built from host programs: the programs
 * and their dependency closure (deps.h) copied at the same paths, symlink
 * chains kept (/lib -> usr/lib, libfoo.so.1 -> libfoo.so.1.2.3), files with
 * their modes; a minimal /etc; /tmp with mode 1777; on request the host's CA
 * certificates and tzdata.
 *
 * Libraries that only ld.so.cache or ld.so.conf make loadable (found in a
 * directory that is not one of the interpreter's default directories, e.g.
 * /usr/local/cuda/lib) get a symlink NAME -> their path in the first default
 * directory (/lib/x86_64-linux-gnu on Debian): the image needs no
 * ld.so.cache, which would have to match the image's glibc and be
 * regenerated whenever a later layer adds a library.
 *
 * The output is deterministic: entries are created in sorted order, every
 * mtime (and atime) is set to one value (SOURCE_DATE_EPOCH or 0), nothing
 * that varies between runs is written.  Owners are the caller's (root in a
 * build); the layer writer records what the image keeps.
 *
 * Every path inside the destination is resolved with openat2(RESOLVE_IN_ROOT),
 * so a symlink already in the destination cannot send a write outside it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "build/deps.h"
#include "image/tar.h"
#include "util/error.h"

typedef struct hull_rootfs_user {
        const char *name;  /* [a-z_][a-z0-9_-]*, at most 32 bytes */
        uint32_t uid;
        uint32_t gid;      /* a group NAME with this gid is added unless the gid has one */
        const char *home;  /* NULL: /home/NAME (created, owned by uid:gid) */
        const char *shell; /* NULL: /bin/sh */
} hull_rootfs_user;

typedef struct hull_rootfs_options {
        const char *host_root;          /* where everything is read from; NULL = "/" */
        char *const *programs;          /* absolute paths inside host_root, NULL-terminated (or NULL) */
        char *const *with;              /* extra files or directories, copied with the closure of their ELF files */
        char *const *gconv;             /* character sets whose gconv modules to add; "all" for every module */
        char *const *hwcaps;            /* the resolver's glibc-hwcaps list; NULL: this CPU's */
        const hull_rootfs_user *users;  /* named users beyond root and nobody */
        size_t n_users;
        const char *nsswitch;           /* the text of /etc/nsswitch.conf; NULL: hull_deps_minimal_nsswitch.
                                         * The NSS modules it names are added to the closure. */
        bool ca_certificates;           /* /etc/ssl/certs/ca-certificates.crt from the host */
        bool tzdata;                    /* /usr/share/zoneinfo from the host */
        bool no_etc;                    /* the closure only: no /etc, /tmp, /root (lddtree --copy-to-tree) */
        int64_t mtime;                  /* mtime and atime of every entry in the destination (SOURCE_DATE_EPOCH) */
} hull_rootfs_options;

/* Assembles the root filesystem into the directory destfd (empty, or an
 * earlier result: existing identical entries are kept, files replaced):
 * resolves the closure (failing with the chain if anything is missing),
 * copies it, links ld.so.conf-only libraries, writes /etc (unless no_etc),
 * adds the CA certificates and tzdata when asked, then sets every mtime.
 * Returns 0 and, when ret_deps is not NULL, the closure (owned by the
 * caller); or a negative value with *err set. */
int hull_rootfs_assemble(int destfd, const hull_rootfs_options *o, hull_deps **ret_deps, hull_error **err);

/* The building blocks, for a builder that wants its own order.  Each returns
 * 0 or a negative value with *err set. */

/* Copies `path` (absolute, inside hostfd's tree) to the same path under
 * destfd: every directory on the way with its mode, every symlink on the
 * way as a symlink (and what it points to), the file at the end with its
 * mode.  A symlink at the end is followed unless follow_last is false. */
int hull_rootfs_copy_path(int hostfd, int destfd, const char *path, bool follow_last, hull_error **err);

/* Copies everything hull_deps_files() lists. */
int hull_rootfs_copy_closure(int hostfd, int destfd, const hull_deps *d, hull_error **err);

/* Host files recorded instead of copied: hull build passes them to the
 * layer writer (hull_tar_graft), which reads them from the host, so the
 * closure's files are never written to the temporary root.  Strings are
 * owned by the list; mtime is 0 until the caller sets it. */
typedef struct hull_rootfs_grafts {
        hull_tar_graft *v;
        size_t n, cap;
} hull_rootfs_grafts;

void hull_rootfs_grafts_done(hull_rootfs_grafts *g);

/* Like hull_rootfs_copy_closure, but the regular files are added to grafts
 * (with the owner a copy would have) instead of copied, except those below
 * /etc (a later step may read /etc/passwd and /etc/group in destfd); what
 * was at a file's path in destfd is removed, as a copy would replace it.
 * Directories and symlinks are made in destfd as by the copy. */
int hull_rootfs_graft_closure(int hostfd, int destfd, const hull_deps *d, hull_rootfs_grafts *grafts, hull_error **err);

/* Copies the files of grafts into destfd where nothing is at their path
 * (what is there was written later and wins), then empties the list: for a
 * step that reads or deletes what the root holds. */
int hull_rootfs_grafts_materialize(int hostfd, int destfd, hull_rootfs_grafts *grafts, hull_error **err);

/* Copies a directory tree of the host (symlinks as symlinks). */
int hull_rootfs_copy_tree(int hostfd, int destfd, const char *path, hull_error **err);

/* The links that make ld.so.conf-only libraries loadable without a cache. */
int hull_rootfs_link_ldconf(int destfd, const hull_deps *d, hull_error **err);

/* /etc/passwd, /etc/group, /etc/nsswitch.conf, /etc/hosts, /etc/os-release,
 * /tmp (1777), /root (0700), the users' home directories. */
int hull_rootfs_write_etc(int destfd, const hull_rootfs_options *o, hull_error **err);

/* The host's /etc/ssl/certs/ca-certificates.crt and /usr/share/zoneinfo
 * (host_root, NULL or "/", names the host in messages). */
int hull_rootfs_add_ca_certificates(int hostfd, int destfd, const char *host_root, hull_error **err);
int hull_rootfs_add_tzdata(int hostfd, int destfd, const char *host_root, hull_error **err);

/* Sets the mtime and atime of everything under destfd (symlinks too). */
int hull_rootfs_set_mtime(int destfd, int64_t mtime, hull_error **err);
