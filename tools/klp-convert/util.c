// SPDX-License-Identifier: GPL-2.0-only
/*
 * klp-convert: allocation and message helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klp-convert.h"

const char *klp_prog = "klp-convert";
bool klp_quiet;

static void out_of_memory(void)
{
	fprintf(stderr, "%s: out of memory\n", klp_prog);
	exit(2);
}

/**
 * xmalloc() - malloc() that exits on failure
 * @size: bytes to allocate (0 allocates one byte)
 *
 * Return: the allocated memory.
 */
void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

/**
 * xcalloc() - calloc() that exits on failure
 * @n: number of elements
 * @size: size of one element
 *
 * Return: the zeroed memory.
 */
void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

/**
 * xrealloc() - realloc() that exits on failure
 * @p: memory to resize, or NULL
 * @size: new size in bytes
 *
 * Return: the resized memory.
 */
void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

/**
 * xstrdup() - strdup() that exits on failure
 * @s: string to copy
 *
 * Return: the copy.
 */
char *xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

/**
 * err_msg() - print one "klp-convert: ..." line on stderr
 * @fmt: printf format, without the trailing newline
 */
void err_msg(const char *fmt, ...)
{
	va_list ap;

	if (klp_quiet)
		return;
	fprintf(stderr, "%s: ", klp_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * read_whole_file() - read a file into a new buffer
 * @path: the file
 * @len: set to its size
 *
 * Return: the buffer (free() it), or NULL after a message.
 */
char *read_whole_file(const char *path, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		err_msg("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = xmalloc(st.st_size);
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, st.st_size - got);
		if (r <= 0) {
			err_msg("%s: read error", path);
			close(fd);
			free(buf);
			return NULL;
		}
		got += r;
	}
	close(fd);
	*len = got;
	return buf;
}
