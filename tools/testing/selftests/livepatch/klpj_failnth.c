// SPDX-License-Identifier: GPL-2.0
/*
 * klpj_failnth - load a kernel module with its N-th allocation failing.
 *
 *   klpj_failnth N MODULE.ko
 *
 * Writes N to /proc/self/fail-nth (fault injection: the N-th call of an
 * armed fault site by this task fails, see Documentation/fault-injection/)
 * and calls finit_module() right after, so that only the module loader
 * and the module's init count, not the exec of a tool.  Prints "ok" or
 * the errno name and message, then " consumed=<calls>": how many fault
 * site calls the load made (N when the N-th failed; with a large N, the
 * number of chances to inject a failure).  Exits 0 on success, 1 when
 * loading failed, 2 on usage or setup errors.  Used by
 * wo_ftrace/test-wo-ftrace-faults.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long want, left = 0;
	char nth[32];
	int fd, nfd, ret, len, err;

	if (argc != 3) {
		fprintf(stderr, "usage: %s N MODULE.ko\n", argv[0]);
		return 2;
	}
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	nfd = open("/proc/self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fd < 0 || nfd < 0) {
		perror("open");
		return 2;
	}
	want = strtoul(argv[1], NULL, 0);
	len = snprintf(nth, sizeof(nth), "%lu", want);
	if (write(nfd, nth, len) != len) {
		perror("fail-nth");
		return 2;
	}
	ret = syscall(SYS_finit_module, fd, "", 0);
	err = errno;

	/* What is left of N, 0 once the N-th call failed; no allocation. */
	len = pread(nfd, nth, sizeof(nth) - 1, 0);
	if (len > 0) {
		nth[len] = '\0';
		left = strtoul(nth, NULL, 0);
	}
	if (!ret)
		printf("ok");
	else
		printf("%s: %s", strerrorname_np(err), strerror(err));
	printf(" consumed=%lu\n", want - left);
	return ret ? 1 : 0;
}
