// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpctl: paths of the running system and small file accessors.
 *
 * KLPCTL_SYSROOT (a test hook) prefixes every absolute path of the
 * running system; KLPCTL_RELEASE stands in for uname -r.  Both are read
 * once by sys_init().
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "klpctl.h"

static const char *sysroot = "";
static char release[256];

void sys_init(void)
{
	const char *s = getenv("KLPCTL_SYSROOT");
	const char *r = getenv("KLPCTL_RELEASE");
	struct utsname u;

	if (s && *s)
		sysroot = s;
	if (r && *r)
		snprintf(release, sizeof(release), "%s", r);
	else if (!uname(&u))
		snprintf(release, sizeof(release), "%s", u.release);
}

/* True when the paths read are not the running system's (tests). */
bool sys_is_fake(void)
{
	return *sysroot != '\0';
}

/**
 * sys_path() - the path of a file of the running system
 * @fmt: printf format of the absolute path, e.g. "/proc/%ld/comm"
 *
 * Return: a malloc'ed string, KLPCTL_SYSROOT prepended.
 */
char *sys_path(const char *fmt, ...)
{
	va_list ap;
	char *p, *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		return xstrdup("");
	s = xasprintf("%s%s", sysroot, p);
	free(p);
	return s;
}

const char *sys_release(void)
{
	return release;
}

/*
 * -errno of a failed open(), read() or write(); a sysfs file whose object
 * is being removed (a patch freed after its disable completed) fails with
 * ENODEV, which means the same as a file that is already gone.
 */
static int sys_errno(void)
{
	return errno == ENODEV ? -ENOENT : -errno;
}

/**
 * read_text() - read a whole (small) file
 * @path: the file
 * @out: set to a malloc'ed, NUL-terminated copy of the contents
 *
 * Return: 0 or -errno; -ENOENT also for a sysfs object being removed.
 */
int read_text(const char *path, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sys_errno();
	buf = xmalloc(cap + 1);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = sys_errno();
			close(fd);
			free(buf);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* The first line of a file, without its newline.  Return: 0 or -errno. */
int read_line(const char *path, char *buf, size_t size)
{
	char *text;
	int ret;

	ret = read_text(path, &text);
	if (ret)
		return ret;
	text[strcspn(text, "\n")] = '\0';
	snprintf(buf, size, "%s", text);
	free(text);
	return 0;
}

/* A file holding one decimal number.  Return: 0, -errno or -EINVAL. */
int read_int(const char *path, long *val)
{
	char buf[64], *end;
	int ret;

	ret = read_line(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (errno || end == buf || (*end && *end != ' '))
		return -EINVAL;
	return 0;
}

/*
 * Write @text to a sysfs attribute in one write().
 * Return: 0 or -errno; -ENOENT also for a sysfs object being removed.
 */
int write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return sys_errno();
	n = write(fd, text, len);
	if (n < 0) {
		n = sys_errno();
		close(fd);
		return n;
	}
	if (close(fd))
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

bool path_exists(const char *path)
{
	return !access(path, F_OK);
}

bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/**
 * list_dir() - the names in a directory, sorted
 * @path: the directory
 * @dirs_only: keep only subdirectories
 * @out: list the names are added to
 *
 * Return: 0 or -errno.
 */
int list_dir(const char *path, bool dirs_only, struct strlist *out)
{
	struct dirent *de;
	size_t first = out->n;
	DIR *d;

	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *sub;
		bool keep = true;

		if (de->d_name[0] == '.')
			continue;
		if (dirs_only) {
			sub = xasprintf("%s/%s", path, de->d_name);
			keep = is_dir(sub);
			free(sub);
		}
		if (keep)
			strlist_add(out, de->d_name);
	}
	closedir(d);
	qsort(out->v + first, out->n - first, sizeof(*out->v), cmp_str);
	return 0;
}

/* Whether the kernel command line has @word as one of its words. */
bool cmdline_has(const char *word)
{
	char *path = sys_path("/proc/cmdline");
	char *text, *tok, *save;
	bool found = false;

	if (read_text(path, &text)) {
		free(path);
		return false;
	}
	free(path);
	for (tok = strtok_r(text, " \t\n", &save); tok && !found;
	     tok = strtok_r(NULL, " \t\n", &save))
		found = !strcmp(tok, word);
	free(text);
	return found;
}

/* A task's comm from /proc/<pid>/comm, or "?" once it has exited. */
char *task_comm(long pid)
{
	char *path = sys_path("/proc/%ld/comm", pid);
	char buf[64];

	if (read_line(path, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	free(path);
	return xstrdup(buf);
}
