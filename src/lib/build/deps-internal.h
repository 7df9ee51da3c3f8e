/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Internal to deps.c and deps-search.c: the resolver's context (one per
 * hull_deps_resolve call), its namespaces (one per program), and the
 * search of one name. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "build/deps.h"
#include "build/ldcache.h"
#include "build/deps-config.h"

#define MAX_SYMLINKS 40       /* the kernel's limit */
#define MAX_SEARCH_DIRS 4096  /* directories in one RPATH or RUNPATH */

/* lstat results inside a root by path (relative, without the leading
 * '/'), for walks that pass the same directories again and again: valid
 * while the tree does not change, i.e. for one resolve or one copy.  Only
 * successes are kept. */
typedef struct deps_lstat_entry {
        char *path;
        mode_t mode;
        char *target; /* a symlink's, once read */
} deps_lstat_entry;

typedef struct deps_lstat_cache {
        deps_lstat_entry *slots; /* open addressing, size a power of two */
        size_t size, used;
} deps_lstat_cache;

/* fstatat(rootfd, rel, AT_SYMLINK_NOFOLLOW)'s mode, through the cache (c
 * may be NULL).  Returns 0 or -errno. */
int deps_lstat(deps_lstat_cache *c, int rootfd, const char *rel, mode_t *ret_mode);
/* Records what the caller's own lstat of rel found (c may be NULL). */
void deps_lstat_note(deps_lstat_cache *c, const char *rel, mode_t mode);
/* readlinkat(rootfd, rel) into buf (NUL-terminated, at most size - 1
 * bytes), cached for a path deps_lstat() saw.  Returns the length or -errno. */
ssize_t deps_readlink(deps_lstat_cache *c, int rootfd, const char *rel, char *buf, size_t size);
void deps_lstat_cache_done(deps_lstat_cache *c);

/* Parsed ELF files by identity, shared by every namespace. */
typedef struct parsed {
        dev_t dev;
        ino_t ino;
        hull_elf *elf;
} parsed;

typedef struct sysdirs {
        char *interp; /* real path of the interpreter, or "class:machine" */
        char **dirs;
} sysdirs;

typedef struct ctx {
        const hull_deps_options *o;
        int rootfd;
        hull_error **err;
        hull_deps *out;
        hull_ldcache *cache;
        char **ldconf;
        char **hwcaps;
        parsed *table; /* open addressing, size a power of two */
        size_t table_size, table_used;
        sysdirs *sysdirs;
        size_t n_sysdirs;
        hull_nss_service *nss;
        size_t n_nss;
        size_t n_with_files;
        deps_lstat_cache lstat; /* the walks of hull_deps_walk */
} ctx;

/* One namespace: a program and what it loads. */
typedef struct ns {
        ctx *c;
        size_t tree;    /* index in c->out->trees (which may move: always go through it) */
        char ***names;  /* per object: the names it answers to */
        dev_t *dev;
        ino_t *ino;
        size_t cap;
        size_t main;    /* the executable, or SIZE_MAX */
        size_t interp;  /* the PT_INTERP object, or SIZE_MAX */
        uint8_t cls;
        uint8_t data;
        uint16_t machine;
        uint32_t e_flags;
        bool musl;
        char **sysdirs; /* borrowed from ctx */
        int32_t cache_flags;
        char *lib;      /* $LIB */
        const char *platform;
        bool use_hwcaps;
        size_t env_depth;
} ns;

static inline hull_deps_tree *T(ns *n) {
        return &n->c->out->trees[n->tree];
}

static inline hull_deps_object *O(ns *n, size_t i) {
        return &T(n)->objects[i];
}

static inline int oom(ctx *c) {
        return hull_error_set(c->err, ENOMEM, "dependency closure");
}


typedef struct search {
        char *desc;        /* "RUNPATH /opt/x, ld.so.cache, /lib, /usr/lib" */
        char *skipped;     /* candidates of another class or machine */
        int fd;
        struct stat st;
        char *path;
        char *dir;         /* the search directory (without glibc-hwcaps) */
        char *baseline;
        hull_deps_via via;
} search;

/* Resolves `path` inside the root like the kernel would, recording every
 * symlink passed; cache (may be NULL) keeps the lstat results.  Returns 0
 * with *ret_real (and the links appended to *links, when links is not
 * NULL), or -errno (ENOENT, ENOTDIR, ELOOP...). */
int hull_deps_walk(int rootfd, deps_lstat_cache *cache, const char *path, hull_deps_link **links, size_t *n_links,
                   char **ret_real);
char *deps_dir_of(const char *path);           /* new string, "/" for "/x" */
const char *deps_base_of(const char *path);    /* points into path */
char *deps_join(char *const *v, const char *sep);

/* Opens a candidate: 1 with *ret_fd and *st when it is a regular file, 0
 * when it is not there (or not a file), <0 with *err set otherwise. */
int deps_open_file(ns *n, const char *path, int *ret_fd, struct stat *st);

void deps_search_done(search *s);
/* $ORIGIN, $LIB, $PLATFORM of object i in s: 1 with *ret, 0 when a token
 * has no value (ld.so drops the element), -ENOMEM. */
int deps_expand_dst(ns *n, size_t i, const char *s, char **ret);
/* 1: found (s->fd, s->st, s->path), 0: not there or another class or
 * machine (skipped), <0: an error that stops ld.so too (*err set). */
int deps_try_candidate(ns *n, search *s, const char *path);
/* The search of _dl_map_object for a name without '/' asked for by
 * `loader`: 1 found, 0 not found (s->desc says where it looked), <0 error. */
int deps_search_name(ns *n, search *s, size_t loader, const char *name);
/* musl: libc.so, libpthread.so... are the loader itself. */
bool deps_musl_reserved(const char *name);

/* A set of strings, for paths met more than once. */
typedef struct deps_strset {
        char **slots;
        size_t size, used;
} deps_strset;
/* Adds a copy of str: 1 when it is new, 0 when it was there, -ENOMEM. */
int deps_strset_add(deps_strset *set, const char *str);
void deps_strset_done(deps_strset *set);
