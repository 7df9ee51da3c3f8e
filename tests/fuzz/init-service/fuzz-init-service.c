/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: hull-init's service file parser (src/init/service.c).
 *
 * The first byte picks the form: odd, a file of [NAME] sections; even, a
 * file of a service directory (named "fuzz").  The rest is the text.  Every
 * input is parsed and, when it parses, validated; nothing may crash, leak
 * or read out of bounds.
 *
 * Build and run (clang 14, libclang-rt-14-dev):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc/init \
 *         tests/fuzz/init-service/fuzz-init-service.c src/init/service.c \
 *         src/init/address.c src/init/signals.c src/init/util.c src/init/user.c \
 *         -o /tmp/fuzz-init-service
 *   /tmp/fuzz-init-service -max_total_time=60 /tmp/corpus tests/fuzz/init-service/corpus
 *
 * Replay without clang: the build makes build/src/init/fuzz-init-service-replay
 * (this file with -DFUZZ_REPLAY_MAIN), which runs every file given. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct svc_set set = { 0 };
        struct svc_error err;

        if (size < 1)
                return 0;
        const char *name = (data[0] & 1) ? NULL : "fuzz";
        if (svc_parse(&set, "fuzz.conf", (const char *) data + 1, size - 1, name, &err) == 0)
                (void) svc_validate(&set, &err);
        svc_set_free(&set);
        return 0;
}

#ifdef FUZZ_REPLAY_MAIN
int main(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                FILE *f = fopen(argv[i], "rb");
                if (!f) {
                        perror(argv[i]);
                        return 1;
                }
                static uint8_t buf[1 << 20];
                size_t n = fread(buf, 1, sizeof(buf), f);
                fclose(f);
                LLVMFuzzerTestOneInput(buf, n);
        }
        printf("%d inputs replayed\n", argc - 1);
        return 0;
}
#endif
