// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpctl: the running kernel's GNU build-id, from /sys/kernel/notes.
 *
 * /sys/kernel/notes is vmlinux's .notes section as it is: a sequence of
 * ELF notes, each a header (namesz, descsz, type), the name and the
 * descriptor, both padded to 4 bytes.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klpctl.h"

#define ALIGN4(x)	(((x) + 3) & ~(size_t)3)

/**
 * notes_build_id() - find the NT_GNU_BUILD_ID note named "GNU"
 * @buf: the notes
 * @len: their length in bytes
 * @hex: buffer for the build-id in lower-case hex
 * @size: size of @hex
 *
 * Return: 0, -ENOENT when there is no such note, -EINVAL when a note
 * runs past the end, -ENOSPC when @hex is too small.
 */
int notes_build_id(const unsigned char *buf, size_t len, char *hex,
		   size_t size)
{
	size_t off = 0, i;

	while (len - off >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		size_t name, desc;

		memcpy(&nh, buf + off, sizeof(nh));
		name = off + sizeof(nh);
		desc = name + ALIGN4((size_t)nh.n_namesz);
		if (nh.n_namesz > len || nh.n_descsz > len ||
		    desc > len || len - desc < nh.n_descsz)
			return -EINVAL;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp(buf + name, "GNU", 4)) {
			if (size < 2 * (size_t)nh.n_descsz + 1)
				return -ENOSPC;
			for (i = 0; i < nh.n_descsz; i++)
				sprintf(hex + 2 * i, "%02x", buf[desc + i]);
			hex[2 * i] = '\0';
			return nh.n_descsz ? 0 : -ENOENT;
		}
		off = desc + ALIGN4((size_t)nh.n_descsz);
		if (off > len)
			break;
	}
	return -ENOENT;
}

/**
 * kernel_build_id() - the running kernel's build-id
 * @hex: buffer for the build-id in lower-case hex
 * @size: size of @hex
 *
 * Return: 0 or -errno (-ENOENT: the kernel has no build-id note).
 */
int kernel_build_id(char *hex, size_t size)
{
	char *path = sys_path("/sys/kernel/notes");
	unsigned char buf[8192];
	size_t len = 0;
	ssize_t n = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	return notes_build_id(buf, len, hex, size);
}
