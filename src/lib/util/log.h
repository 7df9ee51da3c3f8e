/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdarg.h>

/* The library never prints: it hands messages to a sink that the front end
 * installs.  The sink is the library's only global (STYLE.md). */
typedef enum hull_log_level {
        HULL_LOG_ERROR,
        HULL_LOG_WARNING,
        HULL_LOG_INFO,
        HULL_LOG_DEBUG,
        _HULL_LOG_LEVEL_MAX,
} hull_log_level;

typedef void (*hull_log_sink)(hull_log_level level, const char *msg, void *userdata);

void hull_log_set_sink(hull_log_sink sink, void *userdata, hull_log_level max_level);
hull_log_level hull_log_max_level(void);
const char *hull_log_level_name(hull_log_level level);

void hull_logv(hull_log_level level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void hull_log(hull_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define hull_debug(...)                                          \
        do {                                                     \
                if (hull_log_max_level() >= HULL_LOG_DEBUG)      \
                        hull_log(HULL_LOG_DEBUG, __VA_ARGS__);   \
        } while (0)
#define hull_warn(...) hull_log(HULL_LOG_WARNING, __VA_ARGS__)
