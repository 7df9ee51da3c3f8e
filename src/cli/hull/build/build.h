/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The build verbs of `hull` (one file each in this directory). */

/* hull deps [options] PROGRAM... (deps.c) */
int hull_cli_deps(int argc, char **argv);

/* hull build [options] [CONTEXT] (build.c) */
int hull_cli_build(int argc, char **argv);
