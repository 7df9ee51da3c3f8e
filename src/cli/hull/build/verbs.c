/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The build verbs of `hull`: one file per verb in this directory, listed here. */
#include <stddef.h>

#include "cli/hull/build/build.h"
#include "cli/hull/hull.h"

const hull_verb hull_build_verbs[] = {
        { "build", "[options] [CONTEXT]", "build an image from a Hullfile, or from host programs (--program)",
          hull_cli_build },
        { "deps", "[options] PROGRAM...", "print the dependency closure of programs (or copy it: --copy-to)",
          hull_cli_deps },
        { NULL, NULL, NULL, NULL },
};
