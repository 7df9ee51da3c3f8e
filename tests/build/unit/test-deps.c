/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dependency closure in a crafted root: search order, RPATH and
 * RUNPATH rules, $ORIGIN and friends, ld.so.cache and ld.so.conf, scripts,
 * what glibc dlopens, error chains. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/deps-config.h"
#include "build/deps.h"
#include "craft.h"
#include "util/fs.h"
#include "util/strv.h"

static char root[64];

static const char sysdirs[] = "\0/lib/x86_64-linux-gnu/\0/usr/lib/x86_64-linux-gnu/\0/lib/\0/usr/lib/\0";
#define INTERP "/lib64/ld-linux-x86-64.so.2"
#define LIBDIR "/usr/lib/x86_64-linux-gnu"

static void put(const char *path, const craft *c) {
        char p[512];
        snprintf(p, sizeof(p), "%s%s", root, path);
        assert_int_equal(craft_write(p, c), 0);
}

static void put_text(const char *path, const char *text, unsigned mode) {
        char p[512];
        snprintf(p, sizeof(p), "%s%s", root, path);
        assert_int_equal(write_file(p, text, strlen(text), mode), 0);
}

static void link_(const char *target, const char *path) {
        char p[512];
        snprintf(p, sizeof(p), "%s%s", root, path);
        char d[512];
        snprintf(d, sizeof(d), "%s", p);
        *strrchr(d, '/') = 0;
        assert_int_equal(mkdirs(d), 0);
        assert_int_equal(symlink(target, p), 0);
}

static void dir_(const char *path) {
        char p[512];
        snprintf(p, sizeof(p), "%s%s", root, path);
        assert_int_equal(mkdirs(p), 0);
}

static int setup(void **state) {
        snprintf(root, sizeof(root), "/tmp/hull-test-deps.XXXXXX");
        if (!mkdtemp(root))
                return -1;
        /* merged /usr: /lib -> usr/lib; /lib64/ld-linux -> /lib/x86_64-linux-gnu/ld-linux */
        dir_(LIBDIR);
        dir_("/usr/bin");
        link_("usr/lib", "/lib");
        link_("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", INTERP);
        craft ld = { .soname = "ld-linux-x86-64.so.2", .extra = sysdirs, .extra_size = sizeof(sysdirs) };
        put(LIBDIR "/ld-linux-x86-64.so.2", &ld);
        craft libc = { .soname = "libc.so.6", .needed = { "ld-linux-x86-64.so.2" }, .interp = INTERP };
        put(LIBDIR "/libc.so.6", &libc);
        craft prog = { .interp = INTERP, .needed = { "libc.so.6" } };
        put("/usr/bin/prog", &prog);
        put("/usr/bin/env", &prog);
        return 0;
}

static int teardown(void **state) {
        hull_rm_rf_at(AT_FDCWD, root);
        return 0;
}

static hull_deps *resolve(const hull_deps_options *opt, const char *program) {
        hull_deps_options o = opt ? *opt : (hull_deps_options){ 0 };
        o.root = root;
        char *const none[] = { NULL };
        if (!o.hwcaps)
                o.hwcaps = none;
        char *const programs[] = { (char *) program, NULL };
        hull_deps *d = NULL;
        hull_error *err = NULL;
        if (hull_deps_resolve(&o, program ? programs : NULL, &d, &err) < 0)
                fail_msg("resolve %s: %s", program, err->msg);
        return d;
}

/* Resolution fails with a message that contains `want`. */
static void resolve_fails(const hull_deps_options *opt, const char *program, const char *want) {
        hull_deps_options o = opt ? *opt : (hull_deps_options){ 0 };
        o.root = root;
        char *const none[] = { NULL };
        o.hwcaps = o.hwcaps ? o.hwcaps : none;
        char *const programs[] = { (char *) program, NULL };
        hull_deps *d = NULL;
        hull_error *err = NULL;
        assert_true(hull_deps_resolve(&o, programs, &d, &err) < 0);
        assert_null(d);
        if (!strstr(err->msg, want))
                fail_msg("\"%s\" lacks \"%s\"", err->msg, want);
        hull_error_free(err);
}

static const hull_deps_object *find(const hull_deps *d, size_t tree, const char *name) {
        const hull_deps_tree *t = &d->trees[tree];
        for (size_t i = 0; i < t->n_objects; i++)
                if (strcmp(t->objects[i].name, name) == 0)
                        return &t->objects[i];
        fail_msg("%s not in the closure", name);
        return NULL;
}

static bool has(const hull_deps *d, size_t tree, const char *name) {
        const hull_deps_tree *t = &d->trees[tree];
        for (size_t i = 0; i < t->n_objects; i++)
                if (strcmp(t->objects[i].name, name) == 0)
                        return true;
        return false;
}

static void basic(void **state) {
        craft foo = { .soname = "libfoo.so.1", .needed = { "libc.so.6" } };
        put(LIBDIR "/libfoo.so.1.2.3", &foo);
        link_("libfoo.so.1.2.3", LIBDIR "/libfoo.so.1");
        craft p = { .interp = INTERP, .needed = { "libfoo.so.1", "libc.so.6" } };
        put("/usr/bin/basic", &p);
        hull_deps *d = resolve(NULL, "/usr/bin/basic");
        assert_int_equal(d->n_trees, 1);
        const hull_deps_tree *t = &d->trees[0];
        assert_int_equal(t->n_objects, 4); /* basic, ld.so, libfoo, libc: libc's ld-linux is the interpreter */
        assert_int_equal(t->objects[0].type, HULL_DEPS_TYPE_ELF);
        assert_int_equal(t->objects[0].reason, HULL_DEPS_REASON_PROGRAM);
        const hull_deps_object *ld = find(d, 0, INTERP);
        assert_int_equal(ld->reason, HULL_DEPS_REASON_INTERPRETER);
        assert_string_equal(ld->realpath, LIBDIR "/ld-linux-x86-64.so.2");
        assert_int_equal(ld->n_links, 2);
        assert_string_equal(ld->links[0].path, INTERP);
        assert_string_equal(ld->links[1].path, "/lib");
        assert_string_equal(ld->links[1].target, "usr/lib");
        const hull_deps_object *f = find(d, 0, "libfoo.so.1");
        assert_string_equal(f->path, "/lib/x86_64-linux-gnu/libfoo.so.1");
        assert_string_equal(f->realpath, LIBDIR "/libfoo.so.1.2.3");
        assert_int_equal(f->via, HULL_DEPS_VIA_DEFAULT);
        assert_string_equal(f->via_dir, "/lib/x86_64-linux-gnu");
        assert_null(f->default_dir);
        assert_int_equal(f->n_links, 2);
        assert_string_equal(f->links[1].path, "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
        assert_string_equal(f->links[1].target, "libfoo.so.1.2.3");
        /* libc needs ld-linux-x86-64.so.2: the interpreter, by its soname */
        const hull_deps_object *c = find(d, 0, "libc.so.6");
        assert_int_equal(c->n_deps, 1);
        assert_ptr_equal(&t->objects[c->deps[0]], ld);
        char **files = NULL;
        assert_int_equal(hull_deps_files(d, &files), 0);
        const char *want[] = { "/lib", "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libfoo.so.1",
                               INTERP, "/usr/bin/basic", LIBDIR "/ld-linux-x86-64.so.2", LIBDIR "/libc.so.6",
                               LIBDIR "/libfoo.so.1", LIBDIR "/libfoo.so.1.2.3", NULL };
        for (size_t i = 0; want[i] || files[i]; i++) {
                assert_non_null(files[i]);
                assert_non_null(want[i]);
                assert_string_equal(files[i], want[i]);
        }
        for (size_t i = 0; files[i]; i++)
                free(files[i]);
        free(files);
        char *chain = hull_deps_chain(t, (size_t) (f - t->objects));
        assert_string_equal(chain, "/usr/bin/basic needs libfoo.so.1 (/lib/x86_64-linux-gnu/libfoo.so.1)");
        free(chain);
        hull_deps_free(d);
}

static void rpath_rules(void **state) {
        craft c_ = { .soname = "libC.so", .needed = { "libc.so.6" } };
        put("/opt/r/libC.so", &c_);
        craft a = { .needed = { "libC.so" } };
        put(LIBDIR "/libA.so", &a);
        /* the executable's DT_RPATH serves its libraries' DT_NEEDED too */
        craft p2 = { .interp = INTERP, .rpath = "/opt/r", .needed = { "libA.so", "libc.so.6" } };
        put("/usr/bin/p2", &p2);
        hull_deps *d = resolve(NULL, "/usr/bin/p2");
        const hull_deps_object *o = find(d, 0, "libC.so");
        assert_int_equal(o->via, HULL_DEPS_VIA_RPATH);
        assert_string_equal(o->path, "/opt/r/libC.so");
        hull_deps_free(d);
        /* DT_RUNPATH serves only the object's own DT_NEEDED */
        craft p3 = { .interp = INTERP, .runpath = "/opt/r", .needed = { "libA.so", "libc.so.6" } };
        put("/usr/bin/p3", &p3);
        resolve_fails(NULL, "/usr/bin/p3",
                      "/usr/bin/p3 needs libA.so (/lib/x86_64-linux-gnu/libA.so), which needs libC.so: not found in "
                      "/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib");
        /* a DT_RPATH next to a DT_RUNPATH is ignored, also for the object itself */
        craft p4 = { .interp = INTERP, .rpath = "/opt/r", .runpath = "/nowhere", .needed = { "libC.so" } };
        put("/usr/bin/p4", &p4);
        resolve_fails(NULL, "/usr/bin/p4", "/usr/bin/p4 needs libC.so: not found in RUNPATH /nowhere, /lib/");
        /* the RPATH of a loader's loader */
        craft e = { .rpath = "/opt/e", .needed = { "libF.so" } };
        put(LIBDIR "/libE.so", &e);
        craft f = { .needed = { "libG.so" } };
        put(LIBDIR "/libF.so", &f);
        craft g = { .needed = { "libc.so.6" } };
        put("/opt/e/libG.so", &g);
        craft p5 = { .interp = INTERP, .needed = { "libE.so" } };
        put("/usr/bin/p5", &p5);
        d = resolve(NULL, "/usr/bin/p5");
        o = find(d, 0, "libG.so");
        assert_int_equal(o->via, HULL_DEPS_VIA_RPATH);
        assert_string_equal(o->via_dir, "/opt/e");
        char *chain = hull_deps_chain(&d->trees[0], (size_t) (o - d->trees[0].objects));
        assert_string_equal(chain, "/usr/bin/p5 needs libE.so (/lib/x86_64-linux-gnu/libE.so), which needs libF.so "
                                   "(/lib/x86_64-linux-gnu/libF.so), which needs libG.so (/opt/e/libG.so)");
        free(chain);
        hull_deps_free(d);
}

static void runpath_loops_and_dst(void **state) {
        link_("loop", "/loop");
        craft h = { .needed = { "libc.so.6" } };
        put("/usr/lib/libH.so", &h);
        put("/opt/lib/x86_64-linux-gnu/x/libI.so", &h);
        put("/opt/x86_64/libJ.so", &h);
        /* $ORIGIN of the executable is its real directory; repeated and looping directories are harmless */
        craft p = { .interp = INTERP,
                    .runpath = "/loop:$ORIGIN/../lib:${ORIGIN}/../lib:/loop/x::relative:/opt/$LIB/x:/opt/${PLATFORM}",
                    .needed = { "libH.so", "libI.so", "libJ.so", "libc.so.6" } };
        put("/usr/bin/loopy", &p);
        link_("loopy", "/usr/bin/loopy-link");
        hull_deps *d = resolve(NULL, "/usr/bin/loopy-link");
        assert_string_equal(find(d, 0, "libH.so")->path, "/usr/bin/../lib/libH.so");
        assert_string_equal(find(d, 0, "libH.so")->realpath, "/usr/lib/libH.so");
        assert_string_equal(find(d, 0, "libI.so")->path, "/opt/lib/x86_64-linux-gnu/x/libI.so");
        assert_string_equal(find(d, 0, "libJ.so")->path, "/opt/x86_64/libJ.so");
        hull_deps_free(d);
        craft q = { .interp = INTERP, .runpath = "/loop:/loop:/loop/x:$ORIGIN", .needed = { "libmissing.so.1" } };
        put("/usr/bin/q", &q);
        resolve_fails(NULL, "/usr/bin/q",
                      "/usr/bin/q needs libmissing.so.1: not found in RUNPATH /loop:/loop/x:/usr/bin, "
                      "/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib");
        /* a dependency cycle ends */
        craft l1 = { .soname = "libl1.so", .needed = { "libl2.so" } }, l2 = { .soname = "libl2.so", .needed = { "libl1.so" } };
        put(LIBDIR "/libl1.so", &l1);
        put(LIBDIR "/libl2.so", &l2);
        craft r = { .interp = INTERP, .needed = { "libl1.so" } };
        put("/usr/bin/cycle", &r);
        d = resolve(NULL, "/usr/bin/cycle");
        assert_int_equal(d->trees[0].n_objects, 4);
        hull_deps_free(d);
}

static void class_and_nodeflib(void **state) {
        craft k32 = { .bits = 32, .soname = "libK.so" }, k64 = { .soname = "libK.so" };
        put("/opt/32/libK.so", &k32);
        put(LIBDIR "/libK.so", &k64);
        craft p = { .interp = INTERP, .runpath = "/opt/32", .needed = { "libK.so" } };
        put("/usr/bin/k", &p);
        hull_deps *d = resolve(NULL, "/usr/bin/k");
        assert_string_equal(find(d, 0, "libK.so")->path, "/lib/x86_64-linux-gnu/libK.so");
        hull_deps_free(d);
        craft q = { .interp = INTERP, .runpath = "/opt/32", .needed = { "libK.so" }, .flags_1 = DF_1_NODEFLIB };
        put("/usr/bin/k2", &q);
        resolve_fails(NULL, "/usr/bin/k2", "not found in RUNPATH /opt/32, (DF_1_NODEFLIB: not ld.so.cache nor the "
                                           "default directories) (skipped /opt/32/libK.so (ELF32 i386))");
        /* a candidate that is not ELF stops ld.so */
        put_text(LIBDIR "/libtext.so", "/* GNU ld script */\n", 0644);
        craft t = { .interp = INTERP, .needed = { "libtext.so" } };
        put("/usr/bin/t", &t);
        resolve_fails(NULL, "/usr/bin/t", "/usr/bin/t needs libtext.so: /lib/x86_64-linux-gnu/libtext.so: not an ELF file");
        /* a library that is a broken ELF file: the chain, then what is wrong where */
        uint8_t broken[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
        broken[16] = ET_DYN;
        broken[18] = EM_X86_64;
        broken[32] = 0xf0; /* e_phoff */
        broken[33] = 0xff;
        broken[56] = 1; /* e_phnum */
        broken[54] = 56;
        char bp[512];
        snprintf(bp, sizeof(bp), "%s" LIBDIR "/libbroken.so", root);
        assert_int_equal(write_file(bp, broken, sizeof(broken), 0644), 0);
        craft b = { .interp = INTERP, .needed = { "libc.so.6", "libbroken.so" } };
        put("/usr/bin/b", &b);
        resolve_fails(NULL, "/usr/bin/b", "/usr/bin/b needs libbroken.so: /lib/x86_64-linux-gnu/libbroken.so: the "
                                          "program headers (offset 0xfff0, 56 bytes) runs past the end of the file (64 "
                                          "bytes)");
        resolve_fails(NULL, "/usr/bin/nothere", "/usr/bin/nothere: not found");
}

static void cache_and_ldconf(void **state) {
        craft i = { .soname = "libI1.so.1", .needed = { "libc.so.6" } };
        put("/opt/cached/libI1.so.1", &i);
        put("/opt/conf/libJ1.so", &i);
        cache_entry e[] = { { 0x0303, "libI1.so.1", "/opt/cached/libI1.so.1", -1 },
                            { 0x0303, "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", -1 } };
        size_t size;
        uint8_t *b = craft_ldcache(e, 2, NULL, false, &size);
        char p[512];
        snprintf(p, sizeof(p), "%s/etc/ld.so.cache", root);
        assert_int_equal(write_file(p, b, size, 0644), 0);
        free(b);
        put_text("/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n", 0644);
        put_text("/etc/ld.so.conf.d/a.conf", "/opt/conf/ # a comment\n\n  hwcap 0 nosegneg\nrelative\n", 0644);
        put_text("/etc/ld.so.conf.d/b.txt", "/ignored\n", 0644);
        craft prog = { .interp = INTERP, .needed = { "libI1.so.1", "libJ1.so", "libc.so.6" } };
        put("/usr/bin/cached", &prog);
        hull_deps *d = resolve(NULL, "/usr/bin/cached");
        const hull_deps_object *o = find(d, 0, "libI1.so.1");
        assert_int_equal(o->via, HULL_DEPS_VIA_CACHE);
        assert_string_equal(o->default_dir, "/lib/x86_64-linux-gnu");
        o = find(d, 0, "libJ1.so");
        assert_int_equal(o->via, HULL_DEPS_VIA_LDCONF);
        assert_string_equal(o->via_dir, "/opt/conf");
        assert_string_equal(o->default_dir, "/lib/x86_64-linux-gnu");
        assert_int_equal(find(d, 0, "libc.so.6")->via, HULL_DEPS_VIA_CACHE);
        assert_null(find(d, 0, "libc.so.6")->default_dir);
        assert_non_null(strstr(d->warnings[0], "/etc/ld.so.conf.d/a.conf:3:3: hwcap lines"));
        assert_non_null(strstr(d->warnings[1], "/etc/ld.so.conf.d/a.conf:4:1: relative directory"));
        hull_deps_free(d);
        craft m = { .interp = INTERP, .needed = { "libnope.so" } };
        put("/usr/bin/m", &m);
        resolve_fails(NULL, "/usr/bin/m", "/usr/bin/m needs libnope.so: not found in ld.so.cache, ld.so.conf /opt/conf, "
                                          "/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib, /usr/lib");
        hull_deps_options noconf = { .flags = HULL_DEPS_NO_LDCONF };
        resolve_fails(&noconf, "/usr/bin/cached", "needs libJ1.so: not found in ld.so.cache, /lib/x86_64-linux-gnu");
        /* a corrupt cache fails with the file's name */
        assert_int_equal(write_file(p, "glibc-ld.so.cache1.1", 20, 0644), 0);
        resolve_fails(NULL, "/usr/bin/cached", "/etc/ld.so.cache");
}

static void scripts(void **state) {
        put_text("/usr/bin/s1", "#!/usr/bin/prog -x\n", 0755);
        hull_deps *d = resolve(NULL, "/usr/bin/s1");
        const hull_deps_tree *t = &d->trees[0];
        assert_int_equal(t->objects[0].type, HULL_DEPS_TYPE_SCRIPT);
        assert_string_equal(t->objects[0].script_interp, "/usr/bin/prog");
        assert_string_equal(t->objects[0].script_arg, "-x");
        assert_int_equal(find(d, 0, "/usr/bin/prog")->reason, HULL_DEPS_REASON_SCRIPT);
        assert_true(has(d, 0, "libc.so.6"));
        hull_deps_free(d);
        /* a script run by a script run by an ELF program */
        put_text("/usr/bin/s2", "#!/usr/bin/s1\n", 0755);
        d = resolve(NULL, "/usr/bin/s2");
        assert_true(has(d, 0, "libc.so.6"));
        hull_deps_free(d);
        put_text("/usr/bin/la", "#!/usr/bin/lb\n", 0755);
        put_text("/usr/bin/lb", "#!/usr/bin/la\n", 0755);
        resolve_fails(NULL, "/usr/bin/la", "/usr/bin/la is a #! script run by /usr/bin/lb, which is a #! "
                                           "script run by /usr/bin/la: a loop of #! interpreters");
        put_text("/usr/bin/d1", "#!/usr/bin/d2\n", 0755);
        put_text("/usr/bin/d2", "#!/usr/bin/d3\n", 0755);
        put_text("/usr/bin/d3", "#!/usr/bin/d4\n", 0755);
        put_text("/usr/bin/d4", "#!/usr/bin/d5\n", 0755);
        put_text("/usr/bin/d5", "#!/usr/bin/prog\n", 0755);
        resolve_fails(NULL, "/usr/bin/d1", "more than 4 levels of #! interpreters");
        put_text("/usr/bin/rel", "#!  bin/sh -e\n", 0755);
        resolve_fails(NULL, "/usr/bin/rel", "/usr/bin/rel:1:5: the #! interpreter \"bin/sh\" is a relative path");
        put_text("/usr/bin/gone", "#!/usr/bin/gone-interp\n", 0755);
        resolve_fails(NULL, "/usr/bin/gone", "/usr/bin/gone is a #! script run by /usr/bin/gone-interp: not found");
        put_text("/usr/bin/data", "just text\n", 0644);
        put_text("/usr/bin/sd", "#!/usr/bin/data\n", 0755);
        resolve_fails(NULL, "/usr/bin/sd", "/usr/bin/sd:1:3: the #! interpreter /usr/bin/data is neither an ELF file nor a script");
        /* #!/usr/bin/env NAME: NAME is the next program */
        put_text("/usr/bin/e1", "#!/usr/bin/env prog\n", 0755);
        d = resolve(NULL, "/usr/bin/e1");
        assert_int_equal(d->n_trees, 2);
        assert_string_equal(d->trees[1].program, "/usr/bin/prog");
        assert_int_equal(d->trees[1].parent, 0);
        assert_int_equal(d->trees[1].objects[0].via, HULL_DEPS_VIA_ENV_PATH);
        hull_deps_free(d);
        put_text("/usr/bin/e2", "#!/usr/bin/env nosuchprog\n", 0755);
        resolve_fails(NULL, "/usr/bin/e2", "/usr/bin/e2:1:16: nosuchprog (run by /usr/bin/env) is not found in PATH "
                                           "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        /* a plain data file is a closure of one */
        d = resolve(NULL, "/usr/bin/data");
        assert_int_equal(d->trees[0].n_objects, 1);
        assert_int_equal(d->trees[0].objects[0].type, HULL_DEPS_TYPE_FILE);
        hull_deps_free(d);
}

static void static_programs(void **state) {
        craft st = { .type = ET_EXEC, .no_dynamic = true }, pie = { .flags_1 = DF_1_PIE };
        put("/usr/bin/static", &st);
        put("/usr/bin/static-pie", &pie);
        hull_deps *d = resolve(NULL, "/usr/bin/static");
        assert_int_equal(d->trees[0].n_objects, 1);
        assert_int_equal(d->trees[0].objects[0].elf->kind, HULL_ELF_KIND_STATIC);
        hull_deps_free(d);
        d = resolve(NULL, "/usr/bin/static-pie");
        assert_int_equal(d->trees[0].n_objects, 1);
        assert_int_equal(d->trees[0].objects[0].elf->kind, HULL_ELF_KIND_STATIC_PIE);
        hull_deps_free(d);
}

static void dlopened(void **state) {
        craft gcc = { .soname = "libgcc_s.so.1", .needed = { "libc.so.6" } };
        put(LIBDIR "/libgcc_s.so.1", &gcc);
        craft nss = { .soname = "libnss_systemd.so.2", .needed = { "libc.so.6" } };
        put(LIBDIR "/libnss_systemd.so.2", &nss);
        craft p = { .interp = INTERP, .needed = { "libc.so.6" }, .undef = { "pthread_cancel" } };
        put("/usr/bin/threads", &p);
        hull_deps_options o = { .nsswitch_text = "# x\npasswd: files systemd\nhosts:\tfiles mymachines [NOTFOUND=return] dns\n"
                                                 "bogus line\n" };
        hull_deps *d = resolve(&o, "/usr/bin/threads");
        const hull_deps_object *g = find(d, 0, "libgcc_s.so.1");
        assert_int_equal(g->reason, HULL_DEPS_REASON_UNWIND);
        assert_string_equal(d->trees[0].objects[g->loader].name, "libc.so.6");
        assert_int_equal(find(d, 0, "libnss_systemd.so.2")->reason, HULL_DEPS_REASON_NSS);
        assert_non_null(strstr(d->warnings[0], "nsswitch.conf:4:1: expected \"database: service...\""));
        assert_non_null(strstr(d->warnings[1], "nsswitch.conf:3:14: NSS service \"mymachines\" needs "
                                               "libnss_mymachines.so.2, which is not found"));
        hull_deps_free(d);
        /* no libgcc_s without the import, none with NO_UNWIND */
        d = resolve(NULL, "/usr/bin/prog");
        assert_false(has(d, 0, "libgcc_s.so.1"));
        hull_deps_free(d);
        o = (hull_deps_options){ .flags = HULL_DEPS_NO_UNWIND };
        d = resolve(&o, "/usr/bin/threads");
        assert_false(has(d, 0, "libgcc_s.so.1"));
        hull_deps_free(d);
        /* gconv modules on request */
        put_text(LIBDIR "/gconv/gconv-modules", "alias\tLATIN1//\tISO-8859-1//\n"
                                                "module\tISO-8859-1//\tINTERNAL\tISO8859-1\t1\n"
                                                "module\tINTERNAL\tISO-8859-1//\tISO8859-1\t1\n", 0644);
        put_text(LIBDIR "/gconv/gconv-modules.d/extra.conf", "module\tKOI8-R//\tINTERNAL\tKOI8-R\t1\n", 0644);
        craft mod = { .needed = { "libc.so.6" } };
        put(LIBDIR "/gconv/ISO8859-1.so", &mod);
        put(LIBDIR "/gconv/KOI8-R.so", &mod);
        char *latin[] = { "latin1", "UTF-8", NULL };
        o = (hull_deps_options){ .gconv = latin };
        d = resolve(&o, "/usr/bin/prog");
        assert_int_equal(find(d, 0, LIBDIR "/gconv/ISO8859-1.so")->reason, HULL_DEPS_REASON_GCONV);
        assert_int_equal(find(d, 0, LIBDIR "/gconv/gconv-modules")->type, HULL_DEPS_TYPE_FILE);
        assert_true(has(d, 0, LIBDIR "/gconv/gconv-modules.d/extra.conf"));
        assert_false(has(d, 0, LIBDIR "/gconv/KOI8-R.so"));
        hull_deps_free(d);
        char *all[] = { "all", NULL };
        o.gconv = all;
        d = resolve(&o, "/usr/bin/prog");
        assert_true(has(d, 0, LIBDIR "/gconv/KOI8-R.so"));
        hull_deps_free(d);
        char *bad[] = { "EBCDIC-XX", NULL };
        o.gconv = bad;
        resolve_fails(&o, "/usr/bin/prog", "serves the character set \"EBCDIC-XX\"");
}

static void hwcaps(void **state) {
        craft k = { .soname = "libhw.so", .needed = { "libc.so.6" } };
        put(LIBDIR "/glibc-hwcaps/x86-64-v3/libhw.so", &k);
        put(LIBDIR "/libhw.so", &k);
        craft p = { .interp = INTERP, .needed = { "libhw.so" } };
        put("/usr/bin/hw", &p);
        char *v3[] = { "x86-64-v4", "x86-64-v3", NULL };
        hull_deps_options o = { .hwcaps = v3 };
        hull_deps *d = resolve(&o, "/usr/bin/hw");
        const hull_deps_object *h = find(d, 0, "libhw.so");
        assert_string_equal(h->path, "/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libhw.so");
        assert_string_equal(h->via_dir, "/lib/x86_64-linux-gnu");
        assert_string_equal(h->hwcaps_baseline, "/lib/x86_64-linux-gnu/libhw.so");
        hull_deps_free(d);
        d = resolve(NULL, "/usr/bin/hw");
        assert_string_equal(find(d, 0, "libhw.so")->path, "/lib/x86_64-linux-gnu/libhw.so");
        hull_deps_free(d);
}

static void keep_going_and_names(void **state) {
        craft p = { .interp = INTERP, .needed = { "libm1.so", "libc.so.6", "libm2.so" } };
        put("/usr/bin/two-missing", &p);
        put_text("/usr/bin/broken", "\177ELF\002\001\001", 0755);
        hull_deps_options o = { .flags = HULL_DEPS_KEEP_GOING };
        char *const none[] = { NULL };
        o.root = root;
        o.hwcaps = none;
        char *const programs[] = { "/usr/bin/two-missing", "/usr/bin/broken", "/usr/bin/prog", NULL };
        hull_deps *d = NULL;
        hull_error *err = NULL;
        assert_int_equal(hull_deps_resolve(&o, programs, &d, &err), 0);
        assert_null(err);
        assert_int_equal(d->n_trees, 3);
        assert_int_equal(d->n_errors, 3);
        assert_int_equal(find(d, 0, "libm1.so")->type, HULL_DEPS_TYPE_MISSING);
        assert_non_null(strstr(find(d, 0, "libm2.so")->error, "/usr/bin/two-missing needs libm2.so: not found in"));
        assert_true(has(d, 0, "libc.so.6"));
        assert_non_null(strstr(d->trees[1].error, "/usr/bin/broken: truncated"));
        assert_null(d->trees[2].error);
        char **paths = NULL;
        assert_int_equal(hull_deps_paths(d, &paths), 0);
        assert_string_equal(paths[0], "/usr/bin/two-missing");
        for (size_t i = 0; paths[i]; i++)
                free(paths[i]);
        free(paths);
        hull_deps_free(d);
        /* the same file under two names is one object */
        craft l = { .soname = "libsame.so.1" };
        put(LIBDIR "/libsame.so.1", &l);
        link_("libsame.so.1", LIBDIR "/libsame.so");
        craft q = { .interp = INTERP, .needed = { "libsame.so", "libsame.so.1" } };
        put("/usr/bin/same", &q);
        d = resolve(NULL, "/usr/bin/same");
        assert_int_equal(d->trees[0].n_objects, 3);
        assert_int_equal(d->trees[0].objects[0].n_deps, 2);
        hull_deps_free(d);
}

static void with_and_library_roots(void **state) {
        craft plug = { .needed = { "libc.so.6" } };
        put("/opt/plugins/a/plugin.so", &plug);
        put_text("/opt/plugins/README", "hello\n", 0644);
        link_("a/plugin.so", "/opt/plugins/link.so");
        char *with[] = { "/opt/plugins", NULL };
        hull_deps_options o = { .with = with };
        hull_deps *d = resolve(&o, "/usr/bin/prog");
        assert_int_equal(d->n_trees, 4); /* prog, README, a/plugin.so, link.so */
        assert_string_equal(d->trees[1].program, "/opt/plugins/README");
        assert_string_equal(d->trees[2].program, "/opt/plugins/a/plugin.so");
        assert_int_equal(d->trees[2].objects[0].reason, HULL_DEPS_REASON_WITH);
        assert_true(has(d, 2, "libc.so.6"));
        hull_deps_free(d);
        /* a library on its own: the standard interpreter's directories */
        d = resolve(NULL, LIBDIR "/libc.so.6");
        assert_true(has(d, 0, "ld-linux-x86-64.so.2") || has(d, 0, INTERP));
        hull_deps_free(d);
        char *nowith[] = { "/opt/none", NULL };
        o.with = nowith;
        resolve_fails(&o, "/usr/bin/prog", "--with /opt/none");
}

/* Another machine, the other byte order: the table's default directories,
 * candidates of the wrong byte order skipped. */
static void foreign_big_endian(void **state) {
        craft ld = { .bits = 32, .msb = true, .machine = EM_PPC, .soname = "ld.so.1" };
        put("/lib/ld.so.1", &ld);
        craft little = { .bits = 32, .machine = EM_PPC, .soname = "libc.so.6" };
        put("/usr/lib/powerpc-linux-gnu/libc.so.6", &little);
        craft big = { .bits = 32, .msb = true, .machine = EM_PPC, .soname = "libc.so.6", .needed = { "ld.so.1" } };
        put("/usr/lib/libc.so.6", &big);
        craft p = { .bits = 32, .msb = true, .machine = EM_PPC, .interp = "/lib/ld.so.1", .needed = { "libc.so.6" },
                    .runpath = "/opt/$PLATFORM" };
        put("/usr/bin/ppc", &p);
        hull_deps *d = resolve(NULL, "/usr/bin/ppc");
        const hull_deps_object *c = find(d, 0, "libc.so.6");
        assert_string_equal(c->path, "/lib/libc.so.6");
        assert_string_equal(c->realpath, "/usr/lib/libc.so.6");
        assert_int_equal(c->elf->data, ELFDATA2MSB);
        assert_int_equal(d->trees[0].n_objects, 3);
        hull_deps_free(d);
        craft q = { .bits = 32, .msb = true, .machine = EM_PPC, .interp = "/lib/ld.so.1", .needed = { "libm.so.6" } };
        put("/usr/bin/ppc2", &q);
        craft lm = { .bits = 32, .machine = EM_PPC, .soname = "libm.so.6" };
        put("/usr/lib/powerpc-linux-gnu/libm.so.6", &lm);
        resolve_fails(NULL, "/usr/bin/ppc2", "/usr/bin/ppc2 needs libm.so.6: not found in /lib/powerpc-linux-gnu, "
                                             "/usr/lib/powerpc-linux-gnu, /lib, /usr/lib (skipped "
                                             "/lib/powerpc-linux-gnu/libm.so.6 (ELF32 ppc), "
                                             "/usr/lib/powerpc-linux-gnu/libm.so.6 (ELF32 ppc))");
}

/* The x86-64 levels hull searches are the ones this machine's ld.so searches. */
static void host_hwcaps_match_ld_so(void **state) {
        char **mine = NULL;
        assert_int_equal(hull_host_hwcaps(&mine), 0);
        FILE *f = popen("/lib64/ld-linux-x86-64.so.2 --help 2>/dev/null", "r");
        if (!f)
                skip();
        char line[256], *theirs[4] = { 0 };
        size_t n = 0;
        while (fgets(line, sizeof(line), f))
                if (strstr(line, "  x86-64-v") && strstr(line, "(supported, searched)") && n < 3) {
                        char *w = line + strspn(line, " ");
                        w[strcspn(w, " ")] = 0;
                        theirs[n++] = strdup(w);
                }
        int status = pclose(f);
        if (status != 0 && n == 0) {
                hull_strv_free(mine);
                skip();
        }
        for (size_t i = 0; i <= n; i++) {
                if (!theirs[i]) {
                        assert_null(mine[i]);
                        break;
                }
                assert_non_null(mine[i]);
                assert_string_equal(mine[i], theirs[i]);
                free(theirs[i]);
        }
        hull_strv_free(mine);
}

static void musl(void **state) {
        craft ld = { .soname = "libc.so" };
        put("/lib/ld-musl-x86_64.so.1", &ld);
        craft z = { .needed = { "libc.so" } };
        put("/usr/local/lib/libz-musl.so", &z);
        craft p = { .interp = "/lib/ld-musl-x86_64.so.1", .needed = { "libz-musl.so", "libc.so" } };
        put("/usr/bin/musl", &p);
        hull_deps *d = resolve(NULL, "/usr/bin/musl");
        assert_int_equal(d->trees[0].n_objects, 3);
        assert_string_equal(find(d, 0, "libz-musl.so")->path, "/usr/local/lib/libz-musl.so");
        hull_deps_free(d);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(basic, setup, teardown),
                cmocka_unit_test_setup_teardown(rpath_rules, setup, teardown),
                cmocka_unit_test_setup_teardown(runpath_loops_and_dst, setup, teardown),
                cmocka_unit_test_setup_teardown(class_and_nodeflib, setup, teardown),
                cmocka_unit_test_setup_teardown(cache_and_ldconf, setup, teardown),
                cmocka_unit_test_setup_teardown(scripts, setup, teardown),
                cmocka_unit_test_setup_teardown(static_programs, setup, teardown),
                cmocka_unit_test_setup_teardown(dlopened, setup, teardown),
                cmocka_unit_test_setup_teardown(hwcaps, setup, teardown),
                cmocka_unit_test_setup_teardown(keep_going_and_names, setup, teardown),
                cmocka_unit_test_setup_teardown(with_and_library_roots, setup, teardown),
                cmocka_unit_test_setup_teardown(musl, setup, teardown),
                cmocka_unit_test_setup_teardown(foreign_big_endian, setup, teardown),
                cmocka_unit_test(host_hwcaps_match_ld_so),
        };
        return cmocka_run_group_tests_name("deps", tests, NULL, NULL);
}
