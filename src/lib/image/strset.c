/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "strset.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t hash(const char *s) {
        uint64_t h = 1469598103934665603ull; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ull;
        return (size_t) (h ^ (h >> 32));
}

static size_t find(char *const *slots, size_t cap, const char *s) {
        size_t i = hash(s) & (cap - 1);
        while (slots[i] && strcmp(slots[i], s) != 0)
                i = (i + 1) & (cap - 1);
        return i;
}

bool hull_strset_contains(const hull_strset *set, const char *s) {
        return set->cap > 0 && set->slots[find(set->slots, set->cap, s)] != NULL;
}

int hull_strset_add(hull_strset *set, const char *s) {
        if ((set->n + 1) * 2 > set->cap) {
                size_t cap = set->cap ? set->cap * 2 : 64;
                char **n = calloc(cap, sizeof(char *));
                if (!n)
                        return -ENOMEM;
                for (size_t i = 0; i < set->cap; i++)
                        if (set->slots[i])
                                n[find(n, cap, set->slots[i])] = set->slots[i];
                free(set->slots);
                set->slots = n;
                set->cap = cap;
        }
        size_t i = find(set->slots, set->cap, s);
        if (set->slots[i])
                return 0;
        if (!(set->slots[i] = strdup(s)))
                return -ENOMEM;
        set->n++;
        return 1;
}

void hull_strset_done(hull_strset *set) {
        for (size_t i = 0; i < set->cap; i++)
                free(set->slots[i]);
        free(set->slots);
        set->slots = NULL;
        set->n = set->cap = 0;
}
