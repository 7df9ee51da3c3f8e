/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static struct {
        hull_log_sink sink;
        void *userdata;
        hull_log_level max;
} log_sink = { NULL, NULL, HULL_LOG_WARNING };

void hull_log_set_sink(hull_log_sink sink, void *userdata, hull_log_level max_level) {
        log_sink.sink = sink;
        log_sink.userdata = userdata;
        log_sink.max = max_level;
}

hull_log_level hull_log_max_level(void) {
        return log_sink.sink ? log_sink.max : HULL_LOG_ERROR;
}

const char *hull_log_level_name(hull_log_level level) {
        static const char *const names[_HULL_LOG_LEVEL_MAX] = { "error", "warning", "info", "debug" };
        return level < _HULL_LOG_LEVEL_MAX ? names[level] : "unknown";
}

void hull_logv(hull_log_level level, const char *fmt, va_list ap) {
        if (!log_sink.sink || level > log_sink.max)
                return;
        int saved = errno;
        char buf[4096];
        vsnprintf(buf, sizeof(buf), fmt, ap);
        log_sink.sink(level, buf, log_sink.userdata);
        errno = saved;
}

void hull_log(hull_log_level level, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        hull_logv(level, fmt, ap);
        va_end(ap);
}
