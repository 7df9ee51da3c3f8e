/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: a container whose program is "#!/proc/self/exe" (or that
 * reaches /proc/PID/exe of a runtime process any other way) must not be able
 * to write the runtime's binary.  The container's first process and exec's
 * process are forks of the runtime, so the runtime makes sure it runs from a
 * copy no container can write before it forks them: a read-only, detached
 * bind mount of its binary (open_tree + mount_setattr, no copy), or -- where
 * it may not make mounts (unprivileged) -- a sealed memfd copy.  A write
 * through /proc/PID/exe then fails with EROFS or EPERM.
 *
 * To run from the clone, the runtime first tries to move its own mappings
 * onto it and point /proc/self/exe at it: the code and read-only data are
 * mapped again from the clone, page for page the same bytes, the pages
 * written since the program started (its data, and the relocated RELRO)
 * become anonymous copies, and prctl(PR_SET_MM, PR_SET_MM_MAP) sets the exe
 * (Linux 3.18, CONFIG_CHECKPOINT_RESTORE; CAP_SYS_ADMIN or, since 5.9,
 * CAP_CHECKPOINT_RESTORE in the runtime's user namespace; the kernel allows it
 * only once no mapping of the old path is left).  Only when that is refused
 * does it re-execute itself from the clone (execveat), which costs a whole
 * execve (about 0.35 ms).
 *
 * exec moves before it forks: its process joins a running container's pid
 * namespace as it is forked.  create and run only make the clone and work
 * out the move (hull_exe_seal_defer); their container process, alone in its
 * new pid namespace until it is ready, makes the move itself as the first
 * thing it does (hull_exe_seal_child), and the runtime, which no container
 * sees, goes on from its binary.  The container process maps its code as it
 * runs it anyway, where the runtime mapped all of it at once: create+start
 * took 0.15 to 0.2 ms less (3000 of each, alternating blocks of 10). */
#include "exe-seal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/sys.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

/* Whether fd, an open binary, is one no container can write. */
static bool fd_is_sealed(int fd) {
        struct statvfs sv;
        if (fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY))
                return true; /* a read-only mount: ours, or the host's /usr */
        int seals = fcntl(fd, F_GET_SEALS);
        return seals > 0 && (seals & F_SEAL_WRITE);
}

static int exec_fd(int fd, char **argv, char **envp) {
        syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
        return -errno;
}

/* A detached read-only bind mount of the binary (exe: open, or -1 to go by
 * /proc/self/exe); returns an fd or -errno. */
static int ro_clone(int exe) {
        int tree = exe >= 0 ? sys_open_tree(exe, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)
                            : sys_open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0)
                return -errno;
        struct hull_mount_attr a = { MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, 0, 0, 0 };
        if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0) {
                int e = errno;
                close(tree);
                return -e;
        }
        return tree;
}

/* A sealed memfd copy of the binary; returns an fd or -errno. */
static int memfd_copy(void) {
        _cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (src < 0)
                return -errno;
        struct stat st;
        if (fstat(src, &st) < 0)
                return -errno;
        _cleanup_close_ int mfd = memfd_create("hull-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (mfd < 0)
                return -errno;
        off_t off = 0;
        while (off < st.st_size) {
                ssize_t n = sendfile(mfd, src, &off, (size_t) (st.st_size - off));
                if (n <= 0)
                        return n < 0 ? -errno : -EIO;
        }
        if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
                return -errno;
        return TAKE_FD(mfd);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(hwaddress_sanitizer)
#define HULL_EXE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_HWADDRESS__) || defined(HULL_EXE_ASAN)
/* The sanitizer build re-executes: ASan's globals have poisoned gaps that
 * the copy of the data would read. */
typedef struct {
        int file;
} exe_move;

static int plan_move(int exe, int tree, exe_move *mv) {
        (void) exe, (void) tree, (void) mv;
        return -ENOTSUP;
}

static int make_move(const exe_move *mv, bool populate) {
        (void) mv, (void) populate;
        return -ENOTSUP;
}
#else
/* One mapping of the binary, from /proc/self/maps. */
typedef struct {
        uintptr_t start, end;
        unsigned long long offset;
        int prot;
} exe_map;

#define EXE_MAPS_MAX 32

/* Whether a /proc/self/maps line of inode st->st_ino names the binary: by its
 * device, or -- where the device shown is not the one stat gives (btrfs
 * subvolumes, overlayfs) -- by its path.  self: the binary's path, read into
 * it (PATH_MAX bytes, "" until then) the first time it is needed. */
static bool maps_line_is_exe(const struct stat *st, unsigned long maj, unsigned long min, const char *name,
                             char *self) {
        if ((dev_t) makedev(maj, min) == st->st_dev)
                return true;
        if (!*self) {
                ssize_t n = readlink("/proc/self/exe", self, PATH_MAX - 1);
                if (n <= 0)
                        return false;
                self[n] = '\0';
        }
        while (*name == ' ')
                name++;
        return strcmp(name, self) == 0;
}

/* The number in base 16 or 10 at *p, which moves past it and past one
 * `sep` character (none if sep is 0); false if either is missing.  musl's
 * sscanf took 12 us for the 13 lines of a small program's maps. */
static bool maps_field(const char **p, unsigned base, char sep, unsigned long long *ret) {
        const char *s = *p;
        unsigned long long v = 0;
        size_t n = 0;
        for (;; s++, n++) {
                unsigned d;
                if (*s >= '0' && *s <= '9')
                        d = (unsigned) (*s - '0');
                else if (base == 16 && *s >= 'a' && *s <= 'f')
                        d = (unsigned) (*s - 'a' + 10);
                else
                        break;
                if (v > (ULLONG_MAX - d) / base) /* more than 64 bits */
                        return false;
                v = v * base + d;
        }
        if (n == 0 || (sep && *s != sep))
                return false;
        *p = sep ? s + 1 : s;
        *ret = v;
        return true;
}

/* One line of /proc/self/maps: "START-END PERMS OFFSET MAJ:MIN INODE  NAME";
 * *name: where the text after the inode starts. */
static bool maps_line(const char *line, unsigned long long *start, unsigned long long *end, int *prot,
                      unsigned long long *off, unsigned long long *maj, unsigned long long *min,
                      unsigned long long *inode, const char **name) {
        const char *p = line;
        if (!maps_field(&p, 16, '-', start) || !maps_field(&p, 16, ' ', end))
                return false;
        if (strnlen(p, 5) < 5 || p[4] != ' ')
                return false;
        *prot = (p[0] == 'r' ? PROT_READ : 0) | (p[1] == 'w' ? PROT_WRITE : 0) | (p[2] == 'x' ? PROT_EXEC : 0);
        p += 5;
        if (!maps_field(&p, 16, ' ', off) || !maps_field(&p, 16, ':', maj) || !maps_field(&p, 16, ' ', min) ||
            !maps_field(&p, 10, 0, inode))
                return false;
        *name = p;
        return true;
}

/* The mappings of the binary (st: its stat) in /proc/self/maps: their count,
 * or -errno (-E2BIG: more than fit, -EFBIG: a longer list than any binary of
 * ours makes). */
static int exe_maps(const struct stat *st, exe_map *out, size_t max) {
        _cleanup_free_ char *buf = NULL;
        int r = hull_read_file_at(AT_FDCWD, "/proc/self/maps", 16384, &buf, NULL);
        if (r < 0)
                return r;
        char self[PATH_MAX] = "";
        size_t count = 0;
        for (char *line = buf; *line; ) {
                char *nl = strchr(line, '\n');
                if (nl)
                        *nl = '\0';
                unsigned long long start, end, off, maj, min, inode;
                int prot;
                const char *name;
                if (maps_line(line, &start, &end, &prot, &off, &maj, &min, &inode, &name) && inode == st->st_ino &&
                    maps_line_is_exe(st, (unsigned long) maj, (unsigned long) min, name, self)) {
                        if (count == max)
                                return -E2BIG;
                        out[count++] = (exe_map) { (uintptr_t) start, (uintptr_t) end, off, prot };
                }
                if (!nl)
                        break;
                line = nl + 1;
        }
        return (int) count;
}

/* The main program's RELRO range (written by its relocations, then made
 * read-only), page-aligned; none: [0, 0). */
typedef struct {
        uintptr_t start, end;
} relro_range;

static int find_relro(struct dl_phdr_info *info, size_t size, void *data) {
        relro_range *r = data;
        for (int i = 0; i < info->dlpi_phnum; i++)
                if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
                        uintptr_t page = (uintptr_t) sysconf(_SC_PAGESIZE);
                        uintptr_t a = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
                        r->start = a & ~(page - 1);
                        r->end = (a + info->dlpi_phdr[i].p_memsz + page - 1) & ~(page - 1);
                }
        return 1; /* the first object is the main program */
}

/* Replaces the anonymous-to-be mapping m by a copy of its bytes (the copy is
 * made aside and moved over it in one mremap).  Nothing else may write the
 * range meanwhile: the caller is single-threaded and uses its stack. */
static int remap_copy(const exe_map *m) {
        size_t len = m->end - m->start;
        void *tmp = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (tmp == MAP_FAILED)
                return -errno;
        memcpy(tmp, (const void *) m->start, len);
        if ((m->prot != (PROT_READ | PROT_WRITE) && mprotect(tmp, len, m->prot) < 0) ||
            mremap(tmp, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *) m->start) == MAP_FAILED) {
                int e = errno;
                munmap(tmp, len);
                return -e;
        }
        return 0;
}

/* prctl(PR_SET_MM, PR_SET_MM_MAP)'s argument (struct prctl_mm_map). */
typedef struct {
        uint64_t start_code, end_code, start_data, end_data, start_brk, brk, start_stack, arg_start, arg_end,
                env_start, env_end;
        uint64_t *auxv;
        uint32_t auxv_size, exe_fd;
} hull_prctl_mm_map;

_Static_assert(sizeof(hull_prctl_mm_map) == 11 * sizeof(uint64_t) + sizeof(void *) + 2 * sizeof(uint32_t),
               "struct prctl_mm_map");

#ifndef PR_SET_MM_MAP
#define PR_SET_MM_MAP 14
#define PR_SET_MM_MAP_SIZE 15
#endif

/* Whether the kernel has PR_SET_MM_MAP with our struct: asked before any
 * mapping is moved, so that a kernel without it costs no work. */
static bool have_mm_map(void) {
        unsigned size = 0;
        return prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE, &size, 0, 0) == 0 && size == sizeof(hull_prctl_mm_map);
}

/* A move onto the clone, worked out (plan_move) before it is made
 * (make_move): by this process, or by a child forked meanwhile, whose
 * mappings and memory layout are the same. */
typedef struct {
        int file; /* the binary, opened through the clone */
        exe_map maps[EXE_MAPS_MAX];
        int n;
        relro_range relro;
        hull_prctl_mm_map mm; /* all but brk and exe_fd */
} exe_move;

/* Works out the move of this process onto the clone `tree` (an O_PATH fd)
 * of its binary `exe`: the binary's mappings, and the memory layout that
 * PR_SET_MM_MAP (checkpoint/restore's, which needs CAP_SYS_ADMIN or
 * CAP_CHECKPOINT_RESTORE in the caller's user namespace) is given back as
 * it is, read from /proc/self/stat.  PR_SET_MM_EXE_FILE would need
 * CAP_SYS_RESOURCE in the initial user namespace. */
static int plan_move(int exe, int tree, exe_move *mv) {
        if (!have_mm_map())
                return -ENOTSUP;
        struct stat st;
        if (fstat(exe, &st) < 0)
                return -errno;
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", tree);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        struct stat cst;
        if (fstat(fd, &cst) < 0)
                return -errno;
        if (cst.st_ino != st.st_ino || cst.st_dev != st.st_dev)
                return -ESTALE;
        mv->n = exe_maps(&st, mv->maps, EXE_MAPS_MAX);
        if (mv->n < 0)
                return mv->n;
        if (mv->n == 0)
                return -ENOENT;
        mv->relro = (relro_range) { 0, 0 };
        dl_iterate_phdr(find_relro, &mv->relro);
        unsigned long long v[52]; /* the layout is in fields 26-28 and 45-51 */
        int r = hull_proc_stat(0, NULL, v, ELEMENTSOF(v));
        if (r < 0)
                return r;
        if (r < (int) ELEMENTSOF(v))
                return -EIO;
        mv->mm = (hull_prctl_mm_map) {
                .start_code = v[26], .end_code = v[27], .start_stack = v[28],
                .start_data = v[45], .end_data = v[46], .start_brk = v[47],
                .arg_start = v[48], .arg_end = v[49], .env_start = v[50], .env_end = v[51],
        };
        mv->file = TAKE_FD(fd);
        return 0;
}

/* Makes the move planned (see the top of this file); populate: map the code
 * at once rather than at the first touch of each 64 KiB.  Every step
 * replaces one mapping by the same bytes, so a step the kernel refuses
 * leaves a process that still runs (from the old binary, which the caller
 * then re-executes from the clone, or gives up).  Only a MAP_FIXED mmap or
 * mremap that fails for want of memory after the kernel unmapped the old
 * range could leave a hole: the process would then die, before any
 * container exists. */
static int make_move(const exe_move *mv, bool populate) {
        for (int i = 0; i < mv->n; i++) {
                const exe_map *m = &mv->maps[i];
                bool written = (m->prot & PROT_WRITE) || (m->start < mv->relro.end && mv->relro.start < m->end);
                if (written) {
                        int r = remap_copy(m);
                        if (r < 0)
                                return r;
                } else if (mmap((void *) m->start, m->end - m->start, m->prot,
                                MAP_PRIVATE | MAP_FIXED | (populate ? MAP_POPULATE : 0), mv->file,
                                (off_t) m->offset) == MAP_FAILED)
                        return -errno;
        }
        hull_prctl_mm_map mm = mv->mm;
        mm.brk = (uint64_t) syscall(SYS_brk, 0);
        mm.exe_fd = (uint32_t) mv->file;
        if (prctl(PR_SET_MM, PR_SET_MM_MAP, &mm, sizeof(mm), 0) < 0)
                return -errno;
        return 0;
}
#endif

/* The detached clone that this process runs from, or that a child will
 * (hull_exe_seal_defer), or -1. */
static int seal_tree = -1;
/* hull_exe_seal_defer's plan, for hull_exe_seal_child; file -1: none. */
static exe_move deferred = { .file = -1 };

void hull_exe_seal_release(void) {
        if (seal_tree >= 0)
                close(TAKE_FD(seal_tree));
        if (deferred.file >= 0)
                close(TAKE_FD(deferred.file));
}

/* Whether this process runs from a binary that a container could write;
 * then *tree: its read-only clone (an fd) or -errno.  *exe: the binary. */
static bool seal_needed(int *exe, int *tree) {
        *exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (*exe >= 0 && fd_is_sealed(*exe))
                return false;
        *tree = ro_clone(*exe);
        return true;
}

int hull_exe_seal(char **argv, char **envp, hull_error **err) {
        _cleanup_close_ int exe = -1;
        int fd = -1;
        if (!seal_needed(&exe, &fd))
                return 0;
        bool cloned = fd >= 0;
        if (!cloned) {
                hull_debug("exe seal: read-only clone of the binary: %s; copying it to a sealed memfd", strerror(-fd));
                fd = memfd_copy();
                if (fd < 0)
                        return hull_error_set(err, -fd, "protect the runtime binary (CVE-2019-5736): copy it");
        }
        if (cloned) {
                exe_move mv = { .file = -1 };
                int r = exe < 0 ? -EBADF : plan_move(exe, fd, &mv);
                if (r == 0) {
                        r = make_move(&mv, true);
                        close(mv.file);
                }
                if (r == 0) {
                        seal_tree = fd; /* see hull_exe_seal_release */
                        hull_debug("exe seal: running from a read-only clone of the binary, without an execve");
                        return 0;
                }
                hull_debug("exe seal: moving onto the read-only clone: %s; re-executing from it", strerror(-r));
        }
        int r = exec_fd(fd, argv, envp);
        close(fd);
        return hull_error_set(err, -r, "protect the runtime binary (CVE-2019-5736): re-execute");
}

int hull_exe_seal_defer(char **argv, char **envp, hull_error **err) {
        _cleanup_close_ int exe = -1;
        int fd = -1;
        if (!seal_needed(&exe, &fd))
                return 0;
        if (fd >= 0) {
                int r = exe < 0 ? -EBADF : plan_move(exe, fd, &deferred);
                if (r == 0) {
                        seal_tree = fd;
                        hull_debug("exe seal: the container process moves onto a read-only clone of the binary, without an execve");
                        return 0;
                }
                close(fd);
                hull_debug("exe seal: no move onto the read-only clone for the container process: %s", strerror(-r));
        }
        return hull_exe_seal(argv, envp, err);
}

/* hull_exe_seal_defer's move, made by this process: 1, 0 when there is
 * none, or -errno. */
static int move_deferred(bool populate) {
        if (deferred.file < 0)
                return 0;
        int r = make_move(&deferred, populate);
        close(TAKE_FD(deferred.file));
        return r < 0 ? r : 1;
}

int hull_exe_seal_now(void) {
        return move_deferred(true);
}

int hull_exe_seal_child(void) {
        return move_deferred(false); /* the child maps its code as it runs it */
}
