/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "service.h"

/* Loads the services of path: a file of [NAME] sections, or a directory
 * whose NAME.service files each define service NAME (read in name order).
 * Parses, validates and resolves users.  Returns 0, or -1 after printing
 * "hull-init: FILE:LINE: reason" on stderr. */
int svc_load(const char *path, struct svc_set *set);
