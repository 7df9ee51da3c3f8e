/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The dependency closure of programs: what must be in an image for them to
 * run, found the way the kernel and glibc's ld.so would find it on this
 * machine (or inside another root).
 *
 * For each program: the #! interpreters (followed, loops refused), the
 * ELF's PT_INTERP, then DT_NEEDED breadth first like _dl_map_object_deps,
 * each name searched like _dl_map_object: objects already loaded (by name,
 * DT_SONAME, or the same file under another name); a name with a '/' as a
 * path; else DT_RPATH of the loader and the loader's loaders when the loader
 * has no DT_RUNPATH, then the executable's DT_RPATH; DT_RUNPATH of the loader
 * (its own DT_NEEDED only); /etc/ld.so.cache; the default directories (read
 * from the interpreter); and, when the cache has no entry (missing or stale),
 * the ld.so.conf directories, as ldconfig would make them visible.
 * LD_LIBRARY_PATH is not used: it is not part of an image.  In every
 * directory the supported glibc-hwcaps subdirectories come first.  $ORIGIN,
 * $LIB and $PLATFORM are expanded.  A candidate of another ELF class or
 * machine is skipped, like ld.so does.
 *
 * Then what glibc dlopens that no DT_NEEDED shows: libgcc_s.so.1 when an
 * object imports pthread_cancel, pthread_exit, thrd_exit or backtrace; the
 * NSS modules that nsswitch.conf names beyond the built-in files and dns; the
 * gconv modules of requested character sets; anything named with `with`. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "build/elf.h"
#include "util/error.h"

/* Why an object is in the closure. */
typedef enum hull_deps_reason {
        HULL_DEPS_REASON_PROGRAM,     /* named by the caller */
        HULL_DEPS_REASON_SCRIPT,      /* a #! interpreter of the object before it */
        HULL_DEPS_REASON_INTERPRETER, /* PT_INTERP */
        HULL_DEPS_REASON_NEEDED,      /* DT_NEEDED */
        HULL_DEPS_REASON_UNWIND,      /* libgcc_s.so.1, dlopened by glibc for pthread_cancel and friends */
        HULL_DEPS_REASON_NSS,         /* an NSS module that nsswitch.conf names */
        HULL_DEPS_REASON_GCONV,       /* a gconv module or its configuration */
        HULL_DEPS_REASON_WITH,        /* named with `with` */
        _HULL_DEPS_REASON_MAX,
} hull_deps_reason;

/* How it was found. */
typedef enum hull_deps_via {
        HULL_DEPS_VIA_ARGUMENT, /* a path the caller, a #! line or PT_INTERP gave */
        HULL_DEPS_VIA_PATH,     /* a DT_NEEDED with a '/' */
        HULL_DEPS_VIA_RPATH,
        HULL_DEPS_VIA_RUNPATH,
        HULL_DEPS_VIA_CACHE,    /* /etc/ld.so.cache */
        HULL_DEPS_VIA_DEFAULT,  /* a default directory of the interpreter */
        HULL_DEPS_VIA_LDCONF,   /* an ld.so.conf directory that the cache does not list */
        HULL_DEPS_VIA_ENV_PATH, /* `#!/usr/bin/env NAME`: NAME in the default PATH */
        _HULL_DEPS_VIA_MAX,
} hull_deps_via;

typedef enum hull_deps_type {
        HULL_DEPS_TYPE_ELF,
        HULL_DEPS_TYPE_SCRIPT,
        HULL_DEPS_TYPE_FILE,    /* anything else: data, a config file */
        HULL_DEPS_TYPE_MISSING, /* not found (only with HULL_DEPS_KEEP_GOING) */
        _HULL_DEPS_TYPE_MAX,
} hull_deps_type;

typedef struct hull_deps_link {
        char *path;   /* the symlink, absolute inside the root */
        char *target; /* what it says, verbatim */
} hull_deps_link;

typedef struct hull_deps_object {
        char *name;              /* as asked for: the argument, DT_NEEDED, PT_INTERP, the #! path */
        char *path;              /* where it was found (absolute, inside the root), NULL when missing */
        char *realpath;          /* path with every symlink resolved */
        hull_deps_link *links;   /* the symlinks passed from path to realpath, in order */
        size_t n_links;
        hull_deps_type type;
        hull_deps_reason reason;
        hull_deps_via via;
        hull_elf *elf;           /* for HULL_DEPS_TYPE_ELF */
        char *script_interp;     /* for HULL_DEPS_TYPE_SCRIPT: the #! interpreter */
        char *script_arg;        /* ... and its argument, or NULL */
        unsigned script_interp_column, script_arg_column; /* where they are on line 1 */
        mode_t mode;             /* of the real file */
        size_t loader;           /* index of the object that loaded it; SIZE_MAX for the program */
        size_t *deps;            /* indices of what it loads, in order (DT_NEEDED, interpreter, dlopen) */
        size_t n_deps;
        char *via_dir;           /* the search directory it was found in (RPATH/RUNPATH/cache/default/ld.so.conf) */
        char *default_dir;       /* set when only ld.so.cache or ld.so.conf makes it loadable: the first
                                  * default directory, where an image needs a link to it */
        char *hwcaps_baseline;   /* found in a glibc-hwcaps subdirectory: the baseline copy beside it, if any */
        char *error;             /* HULL_DEPS_TYPE_MISSING: why, with the chain */
} hull_deps_object;

/* One program and everything it loads (one ld.so namespace). */
typedef struct hull_deps_tree {
        char *program;
        hull_deps_object *objects; /* objects[0] is the program */
        size_t n_objects;
        char *error;               /* set when resolution stopped (KEEP_GOING) */
        size_t parent;             /* for a program run by `#!/usr/bin/env NAME`: the tree of the script; else SIZE_MAX */
} hull_deps_tree;

typedef struct hull_deps {
        hull_deps_tree *trees;     /* one per program and per `with` path, in order */
        size_t n_trees;
        char **warnings;           /* non-fatal findings (NSS modules glibc would skip...), never NULL */
        size_t n_errors;           /* with KEEP_GOING: how many objects were missing */
} hull_deps;

/* hull_deps_options.flags */
#define HULL_DEPS_KEEP_GOING 1u   /* record what is missing and go on, instead of failing at the first */
#define HULL_DEPS_NO_UNWIND 2u    /* do not add libgcc_s.so.1 */
#define HULL_DEPS_NO_LDCONF 4u    /* do not search ld.so.conf directories missing from the cache */

typedef struct hull_deps_options {
        const char *root;          /* the tree to resolve in; NULL or "/" for this machine */
        char *const *with;         /* extra files or directories (inside root), NULL-terminated, or NULL */
        char *const *gconv;        /* character sets whose gconv modules to add ("UTF-16", "ISO-8859-1"),
                                    * or "all"; NULL for none */
        const char *nsswitch_path; /* an nsswitch.conf (path inside root) whose modules to add, or NULL */
        const char *nsswitch_text; /* or its text (used when nsswitch_path is NULL); both NULL: none */
        char *const *hwcaps;       /* glibc-hwcaps subdirectories to search, best first; NULL: what this
                                    * CPU supports (x86-64-v4/v3/v2); an empty vector: none */
        unsigned flags;            /* HULL_DEPS_* */
} hull_deps_options;

/* Resolves the closure of `programs` (absolute paths inside the root,
 * NULL-terminated).  Returns 0 and *ret (owned by the caller:
 * hull_deps_free), or a negative value with *err naming the file and the
 * chain that led to it ("/usr/bin/foo needs libbar.so.2: not found in
 * RUNPATH /opt/x, ld.so.cache, /lib, /usr/lib").  With HULL_DEPS_KEEP_GOING
 * a missing file does not fail the call: it is recorded (type MISSING,
 * error set; n_errors counts them) and *ret is returned; failures that are
 * not about a missing file (a broken ELF file) still fail. */
int hull_deps_resolve(const hull_deps_options *o, char *const *programs, hull_deps **ret, hull_error **err);

void hull_deps_free(hull_deps *d);
static inline void hull_deps_freep(hull_deps **d) {
        if (*d) {
                hull_deps_free(*d);
                *d = NULL;
        }
}
#define _cleanup_deps_ __attribute__((cleanup(hull_deps_freep)))

/* Every path that an image of the closure must hold, sorted and unique: each
 * object's path, the symlinks on the way to its real path, the real path, the
 * glibc-hwcaps baselines.  Returns 0 or -ENOMEM; *ret is owned by the caller. */
int hull_deps_files(const hull_deps *d, char ***ret);

/* The objects' paths in load order (programs first), unique, for a flat
 * listing.  Returns 0 or -ENOMEM; *ret is owned by the caller. */
int hull_deps_paths(const hull_deps *d, char ***ret);

/* Writes the chain that led to object `index` of tree t: "/usr/bin/foo needs
 * libA.so.1 (/usr/lib/libA.so.1), which needs libB.so.2".  Returns a string
 * owned by the caller or NULL. */
char *hull_deps_chain(const hull_deps_tree *t, size_t index);

const char *hull_deps_reason_name(hull_deps_reason r);
const char *hull_deps_via_name(hull_deps_via v);
const char *hull_deps_type_name(hull_deps_type t);

/* The nsswitch.conf that hull writes into images: files for every database,
 * dns for hosts; nothing to dlopen. */
extern const char hull_deps_minimal_nsswitch[];
