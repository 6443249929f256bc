// SPDX-License-Identifier: GPL-2.0-only
/*
 * jsonflat: test helper of harness/host-tests/klpctl.sh.  Reads one JSON
 * text (RFC 8259: strict grammar, escapes, UTF-8, no duplicate keys) on
 * stdin and prints every scalar and empty container as a PATH=VALUE line,
 * e.g. .loaded[0].name="p1", VALUE as written in the input.  Exit 1 with
 * one line on stderr if the input is not valid JSON.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char *p, *start;
static int bad;

static void fail(const char *why)
{
	if (!bad)
		fprintf(stderr, "invalid JSON at byte %ld: %s\n",
			(long)(p - start), why);
	bad = 1;
}

static void ws(void)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
}

static int utf8(void)
{
	int n, i;

	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	p += n;
	return 1;
}

static void str(void)
{
	if (*p++ != '"') {
		fail("string expected");
		return;
	}
	while (!bad && *p != '"') {
		if (!*p || *p < 0x20) {
			fail("control character or end in a string");
			return;
		}
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit(p[i]))
						break;
				if (i <= 4) {
					fail("bad \\u escape");
					return;
				}
				p += 5;
			} else if (*p && strchr("\"\\/bfnrt", *p)) {
				p++;
			} else {
				fail("bad escape");
				return;
			}
		} else if (*p >= 0x80) {
			if (!utf8()) {
				fail("invalid UTF-8");
				return;
			}
		} else {
			p++;
		}
	}
	p++;
}

static void digits(void)
{
	if (*p < '0' || *p > '9') {
		fail("digit expected");
		return;
	}
	while (*p >= '0' && *p <= '9')
		p++;
}

static void value(char *path, size_t len);

static void member_path(char *path, size_t len, const unsigned char *key,
			size_t klen)
{
	snprintf(path + len, 1024 - len, ".%.*s", (int)klen, (const char *)key);
}

static void object(char *path, size_t len)
{
	const unsigned char *keys[256];
	size_t klens[256], nk = 0, i;

	p++;
	ws();
	if (*p == '}') {
		p++;
		printf("%s={}\n", path);
		return;
	}
	for (;;) {
		const unsigned char *k;

		ws();
		k = p + 1;
		str();
		if (bad)
			return;
		for (i = 0; i < nk; i++)
			if (klens[i] == (size_t)(p - 1 - k) &&
			    !memcmp(keys[i], k, klens[i])) {
				fail("duplicate key");
				return;
			}
		if (nk < 256) {
			keys[nk] = k;
			klens[nk++] = p - 1 - k;
		}
		member_path(path, len, k, p - 1 - k);
		ws();
		if (*p++ != ':') {
			fail("':' expected");
			return;
		}
		value(path, strlen(path));
		path[len] = '\0';
		if (bad)
			return;
		ws();
		if (*p == '}') {
			p++;
			return;
		}
		if (*p++ != ',') {
			fail("',' or '}' expected");
			return;
		}
	}
}

static void array(char *path, size_t len)
{
	int i = 0;

	p++;
	ws();
	if (*p == ']') {
		p++;
		printf("%s=[]\n", path);
		return;
	}
	for (;; i++) {
		snprintf(path + len, 1024 - len, "[%d]", i);
		value(path, strlen(path));
		path[len] = '\0';
		if (bad)
			return;
		ws();
		if (*p == ']') {
			p++;
			return;
		}
		if (*p++ != ',') {
			fail("',' or ']' expected");
			return;
		}
	}
}

static void value(char *path, size_t len)
{
	const unsigned char *v;

	ws();
	v = p;
	if (*p == '{')
		return object(path, len);
	if (*p == '[')
		return array(path, len);
	if (*p == '"') {
		str();
	} else if (!strncmp((const char *)p, "true", 4) ||
		   !strncmp((const char *)p, "null", 4)) {
		p += 4;
	} else if (!strncmp((const char *)p, "false", 5)) {
		p += 5;
	} else {
		if (*p == '-')
			p++;
		if (*p == '0')
			p++;
		else
			digits();
		if (*p == '.') {
			p++;
			digits();
		}
		if (*p == 'e' || *p == 'E') {
			p++;
			if (*p == '+' || *p == '-')
				p++;
			digits();
		}
	}
	if (!bad)
		printf("%s=%.*s\n", path, (int)(p - v), (const char *)v);
}

int main(void)
{
	static unsigned char buf[1 << 20];
	char path[1024] = "";
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);

	start = buf;
	p = buf;
	if (memchr(buf, 0, n))
		fail("NUL byte");
	value(path, 0);
	ws();
	if (*p)
		fail("text after the value");
	return bad;
}
