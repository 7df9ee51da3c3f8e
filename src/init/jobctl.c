/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Job control on a terminal, for one program.
 *
 * The program runs in its own process group, made the terminal's foreground
 * group, so that ^C, ^Z and the window size reach it directly and a shell
 * run under hull-init can manage jobs of its own.  When ^Z stops it,
 * hull-init (not PID 1, started in the foreground by a shell) takes the
 * terminal back and stops itself, so that the shell sees its job stopped;
 * `fg` continues hull-init, which gives the terminal back to the program
 * before forwarding SIGCONT.  SIGTTOU stays blocked in hull-init, so that
 * tcsetpgrp() from the background group works. */
#include <signal.h>
#include <unistd.h>

#include "engine.h"

static bool terminal_signal(int sig) {
        return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

void jobctl_on_stop(struct engine *e, struct svc *s, int sig) {
        if (!e->job_control || !terminal_signal(sig))
                return;
        s->stopped_tty = true;
        if (tcgetpgrp(STDIN_FILENO) == s->pid)
                tcsetpgrp(STDIN_FILENO, getpgrp());
        kill(getpid(), SIGSTOP);
}

void jobctl_on_cont(struct engine *e, struct svc *s) {
        if (!s->stopped_tty)
                return;
        s->stopped_tty = false;
        if (s->pid > 0 && tcgetpgrp(STDIN_FILENO) == getpgrp())
                tcsetpgrp(STDIN_FILENO, s->pid);
}

void jobctl_on_exit(struct engine *e, struct svc *s) {
        if (e->foreground && tcgetpgrp(STDIN_FILENO) == s->pid)
                tcsetpgrp(STDIN_FILENO, getpgrp());
}
