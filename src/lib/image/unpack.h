/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Safe extraction of a layer (an uncompressed tar stream) onto a tree.
 *
 * Rules, each refused entry failing the whole layer (status UNSAFE):
 *   - an absolute path, or a ".." component, in a name or a hardlink target;
 *   - anything that would replace the root itself (other than a directory);
 *   - ".wh." alone, ".wh..", ".wh..." as whiteouts.
 * Every path is resolved inside the root with openat2(RESOLVE_IN_ROOT), never
 * joined as a string: a symlink in the tree (or one the archive just made)
 * resolves as it would inside the container, so nothing lands outside the
 * root; then the last component is created with *at() calls and O_NOFOLLOW on
 * the resolved parent.  Hardlink targets are resolved the same way and must
 * exist and not be directories.  Symlinks are created as they are (their
 * targets are data).  Device nodes are made only with opts->as_root
 * (skipped, with a warning, otherwise); setuid/setgid bits, owners and
 * security.capability are kept only as root.  Whiteouts (image-spec layer.md):
 * ".wh.NAME" removes NAME from lower layers, ".wh..wh..opq" removes every
 * entry of its directory that this layer did not create; neither is
 * written.  Directory mtimes are set after the layer's last entry. */

#include <stdbool.h>

#include "image.h"
#include "stream.h"
#include "util/error.h"

/* Extracts the tar read from `tar` onto the tree at rootfd.  `what` names
 * the layer in errors ("layer sha256:...").  Returns 0 or a negative value
 * with *err set. */
int hull_unpack_layer(int rootfd, hull_istream *tar, const char *what, const hull_unpack_opts *o, hull_error **err);

/* An archive path made relative and clean: "./a//b/" -> "a/b", "." -> "".
 * Returns 0 (*ret caller-owned), -EPERM for an absolute path or a ".."
 * component, -ENAMETOOLONG (4096 bytes or more), -ENOMEM. */
int hull_unpack_clean_path(const char *in, char **ret);
