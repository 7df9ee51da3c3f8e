/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A libFuzzer-compatible driver for replaying corpora without libFuzzer:
 *   fuzz-NAME FILE|DIR...
 * runs LLVMFuzzerTestOneInput on every file and prints one TAP line per file.
 * Built with gcc in every build (the ASan build catches what the inputs
 * trigger); `make fuzz` builds the same targets with clang -fsanitize=fuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n;

static void one(const char *path) {
        FILE *f = fopen(path, "rbe");
        if (!f) {
                printf("not ok %d - %s: cannot open\n", ++n, path);
                return;
        }
        size_t cap = 1 << 16, len = 0;
        uint8_t *buf = malloc(cap);
        size_t k;
        while (buf && (k = fread(buf + len, 1, cap - len, f)) > 0) {
                len += k;
                if (len == cap) {
                        uint8_t *nb = realloc(buf, cap *= 2);
                        if (!nb) {
                                free(buf);
                                buf = NULL;
                        } else
                                buf = nb;
                }
        }
        fclose(f);
        if (!buf) {
                printf("not ok %d - %s: out of memory\n", ++n, path);
                return;
        }
        /* An exact-size copy, so that ASan sees reads past the end. */
        uint8_t *exact = malloc(len ? len : 1);
        memcpy(exact, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
        printf("ok %d - %s\n", ++n, path);
        fflush(stdout);
}

static void walk(const char *path) {
        struct stat st;
        if (stat(path, &st) < 0) {
                printf("not ok %d - %s: missing\n", ++n, path);
                return;
        }
        if (!S_ISDIR(st.st_mode)) {
                one(path);
                return;
        }
        struct dirent **list;
        int k = scandir(path, &list, NULL, alphasort);
        for (int i = 0; i < k; i++) {
                if (list[i]->d_name[0] != '.') {
                        char sub[4096];
                        snprintf(sub, sizeof(sub), "%s/%s", path, list[i]->d_name);
                        walk(sub);
                }
                free(list[i]);
        }
        free(list);
}

int main(int argc, char **argv) {
        for (int i = 1; i < argc; i++)
                walk(argv[i]);
        return 0;
}
