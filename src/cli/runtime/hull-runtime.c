/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

int main(int argc, char **argv) {
        cli_argv = argv;
        return hull_runtime_main(argc, argv);
}
