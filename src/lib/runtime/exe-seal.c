/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CVE-2019-5736: a container whose program is "#!/proc/self/exe" (or that
 * reaches /proc/PID/exe of a runtime process any other way) must not be able
 * to write the runtime's binary.  The container's first process and exec's
 * process are forks of the runtime, so the runtime makes sure it runs from a
 * copy no container can write before it forks them: it re-executes itself
 * from a read-only, detached bind mount of its binary (open_tree +
 * mount_setattr, no copy), or -- where it may not make mounts (unprivileged)
 * -- from a sealed memfd copy.  A write through /proc/PID/exe then fails with
 * EROFS or EPERM.  The cost is one execve, shown by bench/startup. */
#include "exe-seal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/log.h"
#include "util/sys.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

bool hull_exe_is_sealed(void) {
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
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

/* A detached read-only bind mount of the binary; returns an fd or -errno. */
static int ro_clone(void) {
        int tree = sys_open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
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

int hull_exe_seal(char **argv, char **envp, hull_error **err) {
        if (hull_exe_is_sealed())
                return 0;
        int fd = ro_clone();
        if (fd < 0) {
                hull_debug("exe seal: read-only clone of the binary: %s; copying it to a sealed memfd", strerror(-fd));
                fd = memfd_copy();
                if (fd < 0)
                        return hull_error_set(err, -fd, "protect the runtime binary (CVE-2019-5736): copy it");
        }
        int r = exec_fd(fd, argv, envp);
        close(fd);
        return hull_error_set(err, -r, "protect the runtime binary (CVE-2019-5736): re-execute");
}
