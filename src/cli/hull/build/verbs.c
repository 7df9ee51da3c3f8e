/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The build verbs of `hull`: one file per verb in this directory, listed here. */
#include <stddef.h>

#include "cli/hull/hull.h"

const hull_verb hull_build_verbs[] = {
        { NULL, NULL, NULL, NULL },
};
