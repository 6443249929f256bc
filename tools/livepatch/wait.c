// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpctl: waiting for a patch's transition to finish.
 *
 * transition is polled every 100 ms.  The blockers file is read once a
 * second and printed when it changed; on a terminal a progress line is
 * kept up to date on stdout.
 *
 * SIGINT, SIGTERM and SIGHUP end the first wait as a timeout does, so
 * that the caller reverses the transition instead of leaving it pending;
 * later signals are ignored while the reverse transition is waited for.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klpctl.h"

/* 0: no signal, 1: one arrived, 2: it ended a wait */
static volatile sig_atomic_t stop_req;

static void on_signal(int sig __always_unused)
{
	if (!stop_req)
		stop_req = 1;
}

/* Catch the signals that would otherwise kill klpctl mid-transition. */
void wait_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Whether a signal asked klpctl to stop: start nothing new. */
bool wait_interrupted(void)
{
	return stop_req;
}

/* stdout is a terminal: 1, is not: 0, not known yet: -1 */
static int tty = -1;

/*
 * A progress line only on a terminal that can erase a line: not on a
 * pipe, nor with TERM unset or "dumb" (a serial console, a transcript).
 */
static int progress_wanted(void)
{
	const char *term = getenv("TERM");

	return isatty(STDOUT_FILENO) && term && *term && strcmp(term, "dumb");
}

/* Rewrite the progress line when its text changes (once a second). */
static void progress(const char *name, const char *what, double waited,
		     double timeout, long *shown)
{
	if (tty != 1 || (long)waited == *shown)
		return;
	*shown = waited;
	printf("\rklpctl: %s: %s, %ld s of %g s ", name, what, *shown,
	       timeout);
	fflush(stdout);
}

static void progress_clear(void)
{
	if (tty != 1)
		return;
	fputs("\r\033[K", stdout);
	fflush(stdout);
}

/* Print the blockers if they differ from the last ones printed. */
static void show_blockers(const char *name, char **last)
{
	char *path = sys_path(LP_DIR "/%s/blockers", name);
	struct blocker *b;
	char *text;
	size_t n;

	if (read_text(path, &text)) {
		free(path);
		return;
	}
	free(path);
	if (*text && (!*last || strcmp(text, *last))) {
		if (!blockers_read(name, &b, &n) && n) {
			progress_clear();
			blockers_print(name, b, n);
		}
		blockers_free(b, n);
		free(*last);
		*last = text;
		return;
	}
	free(text);
}

/**
 * wait_transition() - wait until a patch is not in transition
 * @name: the patch
 * @timeout: seconds
 * @what: what the transition does, for the progress line
 *
 * A patch whose directory went away (disabled and freed) is not in
 * transition.
 *
 * Return: 0, EXIT_TIMEOUT (also when a signal ended the wait), or
 * EXIT_SYSTEM when transition is unreadable.
 */
int wait_transition(const char *name, double timeout, const char *what)
{
	char *path = sys_path(LP_DIR "/%s/transition", name);
	double start = now(), next = start + 1;
	char *last = NULL;
	long val, shown = -1;
	int ret;

	if (tty < 0)
		tty = progress_wanted();
	for (;;) {
		ret = read_int(path, &val);
		if (ret == -ENOENT || (!ret && !val)) {
			ret = 0;
			break;
		}
		if (ret) {
			msg("%s: %s", path, strerror(-ret));
			ret = EXIT_SYSTEM;
			break;
		}
		if (now() - start >= timeout || stop_req == 1) {
			if (stop_req)
				stop_req = 2;
			ret = EXIT_TIMEOUT;
			break;
		}
		if (now() >= next) {
			show_blockers(name, &last);
			if (tty == 1)
				shown = -1;	/* the line was cleared */
			next = now() + 1;
		}
		progress(name, what, now() - start, timeout, &shown);
		sleep_ms(100);
	}
	progress_clear();
	free(last);
	free(path);
	return ret;
}
