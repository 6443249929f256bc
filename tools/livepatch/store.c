// SPDX-License-Identifier: GPL-2.0-only
/*
 * klpctl: the store of installed patches.
 *
 * ROOT/var/lib/livepatch/<release>/<name>.ko[.xz|.gz|.zst]
 * ROOT/var/lib/livepatch/<release>/order: one module name per line, in
 * install order, which is the order `load --installed` loads them in.
 *
 * Files are written to a temporary name and renamed, so a store is
 * always either the old or the new one; a module file is in the store
 * only while its name is in the order file (written after the file,
 * removed before it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klpctl.h"

#define STORE		"/var/lib/livepatch"

static const char * const exts[] = { ".ko", ".ko.xz", ".ko.gz", ".ko.zst" };
#define NEXTS		ARRAY_SIZE(exts)

static const char *root;

/* --root DIR: the store is DIR/var/lib/livepatch, not the system's. */
void store_set_root(const char *dir)
{
	root = dir;
}

static char *store_base(void)
{
	if (root)
		return xasprintf("%s" STORE, root);
	return sys_path(STORE);
}

/* The directory of one release's patches (malloc'ed). */
char *store_dir(const char *release)
{
	char *base = store_base();
	char *dir = xasprintf("%s/%s", base, release);

	free(base);
	return dir;
}

/**
 * store_order() - the installed patches of a release, in load order
 * @release: kernel release
 * @names: the names are added to it
 *
 * Return: 0 (also when nothing is installed) or -errno.
 */
int store_order(const char *release, struct strlist *names)
{
	char *dir = store_dir(release);
	char *path = xasprintf("%s/order", dir);
	char *text, *line, *save;
	int ret;

	ret = read_text(path, &text);
	free(path);
	free(dir);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, " \t\r")] = '\0';
		if (*line && !strlist_has(names, line))
			strlist_add(names, line);
	}
	free(text);
	return 0;
}

/* The releases that have a store directory, sorted. */
int store_releases(struct strlist *out)
{
	char *base = store_base();
	int ret = list_dir(base, true, out);

	free(base);
	return ret == -ENOENT ? 0 : ret;
}

/* The installed file of a patch (malloc'ed), or NULL. */
char *store_file(const char *release, const char *name)
{
	char *dir = store_dir(release);
	size_t i;

	for (i = 0; i < NEXTS; i++) {
		char *p = xasprintf("%s/%s%s", dir, name, exts[i]);

		if (path_exists(p)) {
			free(dir);
			return p;
		}
		free(p);
	}
	free(dir);
	return NULL;
}

static const char *file_ext(const char *file)
{
	size_t len = strlen(file), i;

	for (i = NEXTS; i-- > 0;) {
		size_t n = strlen(exts[i]);

		if (len > n && !strcmp(file + len - n, exts[i]))
			return exts[i];
	}
	return ".ko";
}

static int mkdirs(const char *path)
{
	char *p = xstrdup(path), *s, c;
	int ret = 0;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			ret = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

/* Write @len bytes to @dst through a temporary file in its directory. */
static int write_atomic(const char *dst, const char *data, size_t len,
			int src_fd)
{
	char *tmp = xasprintf("%s.tmpXXXXXX", dst);
	char buf[65536];
	ssize_t n;
	int fd, ret = 0;

	errno = 0;
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		free(tmp);
		return ret;
	}
	if (src_fd >= 0) {
		while ((n = read(src_fd, buf, sizeof(buf))) > 0)
			if (write(fd, buf, n) != n) {
				ret = -errno ? -errno : -EIO;
				break;
			}
		if (n < 0)
			ret = -errno;
	} else if (write(fd, data, len) != (ssize_t)len) {
		ret = -errno ? -errno : -EIO;
	}
	if (!ret && (fchmod(fd, 0644) || fsync(fd)))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, dst))
		ret = -errno;
	if (ret)
		unlink(tmp);
	free(tmp);
	return ret;
}

static int write_order(const char *dir, const struct strlist *names)
{
	char *path = xasprintf("%s/order", dir);
	size_t len = 0, i;
	char *text = xstrdup("");
	int ret;

	for (i = 0; i < names->n; i++) {
		char *t = xasprintf("%s%s\n", text, names->v[i]);

		free(text);
		text = t;
	}
	len = strlen(text);
	ret = write_atomic(path, text, len, -1);
	free(text);
	free(path);
	return ret;
}

static bool valid_word(const char *s)
{
	return *s && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/') &&
	       !strpbrk(s, " \t\n");
}

/* Remove the files of @name except @keep (may be NULL). */
static void remove_files(const char *dir, const char *name, const char *keep)
{
	size_t i;

	for (i = 0; i < NEXTS; i++) {
		char *p = xasprintf("%s/%s%s", dir, name, exts[i]);

		if (!keep || strcmp(p, keep))
			unlink(p);
		free(p);
	}
}

static int copy_in(const struct modinfo *mi, const char *dir, char **dst)
{
	int fd, ret;

	*dst = xasprintf("%s/%s%s", dir, mi->name, file_ext(mi->path));
	fd = open(mi->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write_atomic(*dst, NULL, 0, fd);
	close(fd);
	return ret;
}

/**
 * cmd_install() - klpctl install FILE.ko
 * @file: the patch module
 *
 * Copies the module into the store of the release its vermagic names
 * and appends it to the order file; a module already installed under
 * the same name is replaced and keeps its place in the order.
 *
 * Return: an exit code.
 */
int cmd_install(const char *file)
{
	struct strlist order = { 0 };
	struct modinfo mi;
	char *dir = NULL, *dst = NULL;
	bool added = false;
	int ret, err;

	ret = modinfo_read(file, &mi);
	if (ret)
		goto out;
	ret = EXIT_REFUSED;
	if (!mi.livepatch) {
		msg("%s: not a livepatch module (no modinfo livepatch=Y)", file);
		goto out;
	}
	if (!mi.release || !valid_word(mi.release)) {
		msg("%s: no usable vermagic", file);
		goto out;
	}
	if (!valid_word(mi.name)) {
		msg("%s: bad module name '%s'", file, mi.name);
		goto out;
	}
	dir = store_dir(mi.release);
	err = mkdirs(dir);
	if (err) {
		msg("%s: %s", dir, strerror(-err));
		goto fail;
	}
	err = store_order(mi.release, &order);
	if (err) {
		msg("%s/order: %s", dir, strerror(-err));
		goto fail;
	}
	err = copy_in(&mi, dir, &dst);
	if (err) {
		msg("%s: cannot copy to %s: %s", file, dst, strerror(-err));
		goto fail;
	}
	if (!strlist_has(&order, mi.name)) {
		strlist_add(&order, mi.name);
		added = true;
		err = write_order(dir, &order);
		if (err) {
			msg("%s/order: %s", dir, strerror(-err));
			unlink(dst);
			goto fail;
		}
	}
	remove_files(dir, mi.name, dst);
	printf("%s: installed for %s%s\n", mi.name, mi.release,
	       added ? "" : " (replaced the installed file)");
	ret = 0;
	goto out;
fail:
	ret = EXIT_SYSTEM;
out:
	strlist_free(&order);
	modinfo_free(&mi);
	free(dst);
	free(dir);
	return ret;
}

static int uninstall_one(const char *release, const char *name, bool *found)
{
	struct strlist order = { 0 }, rest = { 0 };
	char *dir = store_dir(release);
	char *file = store_file(release, name);
	size_t i;
	int ret = 0;

	if (store_order(release, &order))
		goto out;
	if (!strlist_has(&order, name) && !file)
		goto out;
	*found = true;
	for (i = 0; i < order.n; i++)
		if (strcmp(order.v[i], name))
			strlist_add(&rest, order.v[i]);
	ret = write_order(dir, &rest);
	if (ret) {
		msg("%s/order: %s", dir, strerror(-ret));
		ret = EXIT_SYSTEM;
		goto out;
	}
	remove_files(dir, name, NULL);
	printf("%s: uninstalled from %s\n", name, release);
out:
	strlist_free(&order);
	strlist_free(&rest);
	free(file);
	free(dir);
	return ret;
}

/**
 * cmd_uninstall() - klpctl uninstall NAME
 * @name: the patch
 *
 * Removes the patch from the store of every release it is installed
 * for.  A loaded patch stays loaded.
 *
 * Return: an exit code.
 */
int cmd_uninstall(const char *name)
{
	struct strlist releases = { 0 };
	char *base = store_base();
	bool found = false;
	size_t i;
	int ret = 0;

	if (!valid_word(name) || module_file_name(name)) {
		msg("%s: not a module name", name);
		free(base);
		return EXIT_USAGE;
	}
	list_dir(base, true, &releases);
	for (i = 0; i < releases.n && !ret; i++)
		ret = uninstall_one(releases.v[i], name, &found);
	if (!ret && !found) {
		msg("%s: not installed in %s", name, base);
		ret = EXIT_USAGE;
	}
	strlist_free(&releases);
	free(base);
	return ret;
}
