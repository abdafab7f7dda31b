/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The desired-state files (see desired.h): read with the bounded line
 * reader, split into words as batch lines are, every problem collected as
 * "FILE:LINE: what" so that an operator sees them all at once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/sysfs/desired.h"
#include "backends/sysfs/domtype.h"
#include "backends/sysfs/exec.h"
#include "core/lines.h"
#include "core/textesc.h"
#include "core/util.h"

const struct desired_class desired_classes[] = {
	{ "storage", 0x01, -1 },
	{ "network", 0x02, -1 },
	{ "display", 0x03, -1 },
	{ "audio", 0x04, 0x03 },      /* an HD audio function beside a GPU */
	{ "multimedia", 0x04, -1 },
	{ "bridge", 0x06, -1 },
	{ "usb", 0x0c, 0x03 },
	{ "smbus", 0x0c, 0x05 },
	{ "serial-bus", 0x0c, -1 },
	{ "accelerator", 0x12, -1 },
};
const size_t desired_nclasses = sizeof(desired_classes) / sizeof(desired_classes[0]);

/* Whether a 24-bit class code is of class c (its base, and its subclass when c names one). */
static bool class_matches(const struct desired_class *c, uint32_t class_code)
{
	return c->base == (class_code >> 16 & 0xff) && (c->sub < 0 || c->sub == (int)(class_code >> 8 & 0xff));
}

bool desired_lets_in(const struct desired_entry *e, bool has_class, uint32_t class_code)
{
	if (e->comp == DESIRED_COMP_ANY)
		return true;
	if (e->comp != DESIRED_COMP_CLASSES || !has_class)
		return false;
	for (size_t i = 0; i < desired_nclasses; i++)
		if ((e->comp_classes & 1u << i) && class_matches(&desired_classes[i], class_code))
			return true;
	return false;
}

const char *desired_class_word(uint32_t class_code)
{
	uint8_t base = class_code >> 16, sub = class_code >> 8 & 0xff;

	/* the narrowest word first: audio before multimedia */
	for (size_t i = 0; i < desired_nclasses; i++)
		if (desired_classes[i].base == base && desired_classes[i].sub == sub)
			return desired_classes[i].word;
	for (size_t i = 0; i < desired_nclasses; i++)
		if (desired_classes[i].base == base && desired_classes[i].sub < 0)
			return desired_classes[i].word;
	return NULL;
}

void desired_ids_format(const struct desired_ids *ids, char *buf, size_t len)
{
	if (ids->has_subsys)
		snprintf(buf, len, "%04x:%04x subsystem %04x:%04x", ids->vendor, ids->device,
			 ids->subsys_vendor, ids->subsys_device);
	else
		snprintf(buf, len, "%04x:%04x", ids->vendor, ids->device);
}

void desired_free(struct desired *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->e[i].addr);
		free(d->e[i].driver);
		free(d->e[i].type);
		free(d->e[i].where);
	}
	free(d->e);
	strv_free(&d->files);
	memset(d, 0, sizeof(*d));
}

const struct desired_entry *desired_find(const struct desired *d, const char *addr)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->e[i].addr, addr))
			return &d->e[i];
	return NULL;
}

__attribute__((format(printf, 3, 4)))
static void problem(struct strv *errors, const char *where, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	strv_push_owned(errors, xasprintf("%s: %s", where, msg));
	free(msg);
}

/* "10de:2204": two 4-digit hex numbers. */
static int id_pair(const char *s, uint16_t *a, uint16_t *b)
{
	unsigned x, y;
	int n = -1;

	if (strlen(s) != 9 || sscanf(s, "%4x:%4x%n", &x, &y, &n) != 2 || n != 9 ||
	    strspn(s, "0123456789abcdefABCDEF:") != 9)
		return -EINVAL;
	*a = x;
	*b = y;
	return 0;
}

/* The word quoted for a message: escaped, cut short when long. */
static char *word_q(const char *w)
{
	char cut[68], *esc;

	snprintf(cut, sizeof(cut), "%s", w);
	if (strlen(w) > 64)
		memcpy(cut + 61, "...", 4);
	esc = text_escape(cut);
	return esc ? esc : xstrdup(cut);
}

static int companions_parse(const char *v, struct desired_entry *e, struct strv *errors, const char *where)
{
	char *copy, *save = NULL;
	int bad = 0;

	if (!strcmp(v, "none")) {
		e->comp = DESIRED_COMP_NONE;
		return 0;
	}
	if (!strcmp(v, "any")) {
		e->comp = DESIRED_COMP_ANY;
		return 0;
	}
	e->comp = DESIRED_COMP_CLASSES;
	copy = xstrdup(v);
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < desired_nclasses && strcmp(desired_classes[i].word, w); i++)
			;
		if (i == desired_nclasses) {
			char *q = word_q(w);
			struct strv words = { 0 };
			char *list;

			for (size_t k = 0; k < desired_nclasses; k++)
				strv_push(&words, desired_classes[k].word);
			list = strv_join(&words, ", ");
			problem(errors, where, "companions: '%s' is not a class (none, any, or a list of: %s)", q, list);
			free(list);
			free(q);
			strv_free(&words);
			bad = -EINVAL;
			continue;
		}
		e->comp_classes |= 1u << i;
	}
	free(copy);
	if (!e->comp_classes && !bad) {
		problem(errors, where, "companions= is empty (none, any, or a list of classes)");
		bad = -EINVAL;
	}
	return bad;
}

/* One line's words into an entry; 0, or -EINVAL after adding its problems. */
static int entry_parse(const struct strv *w, const char *where, struct desired_entry *e,
		       struct strv *errors)
{
	struct pci_addr pa;
	char addr[16];
	bool have_id = false;
	int bad = 0;

	memset(e, 0, sizeof(*e));
	if (strcmp(w->v[0], "device") && strcmp(w->v[0], "companion")) {
		char *q = word_q(w->v[0]);

		problem(errors, where, "'%s' is not a keyword (device, companion)", q);
		free(q);
		return -EINVAL;
	}
	e->companion = !strcmp(w->v[0], "companion");
	if (w->n < 2 || strchr(w->v[1], '=')) {
		problem(errors, where, "%s needs a PCI address: %s DDDD:BB:DD.F id=VVVV:DDDD", w->v[0], w->v[0]);
		return -EINVAL;
	}
	if (pci_addr_parse(w->v[1], &pa)) {
		char *q = word_q(w->v[1]);

		problem(errors, where, "'%s' is not a PCI address (DDDD:BB:DD.F)", q);
		free(q);
		return -EINVAL;
	}
	pci_addr_format(&pa, addr, sizeof(addr));
	e->addr = xstrdup(addr);
	for (size_t i = 2; i < w->n; i++) {
		const char *eq = strchr(w->v[i], '='), *val = eq ? eq + 1 : NULL;
		size_t klen = eq ? (size_t)(eq - w->v[i]) : strlen(w->v[i]);
		char key[16] = "";

		if (klen < sizeof(key))
			memcpy(key, w->v[i], klen), key[klen] = 0;
		if (!eq || !*key) {
			char *q = word_q(w->v[i]);

			problem(errors, where, "'%s' is not KEY=VALUE", q);
			free(q);
			bad = -EINVAL;
		} else if (!strcmp(key, "id")) {
			if (have_id || id_pair(val, &e->ids.vendor, &e->ids.device)) {
				problem(errors, where, have_id ? "id= given twice" :
					"id= must be VENDOR:DEVICE in hex, as lspci -n shows it (10de:2204)");
				bad = -EINVAL;
			}
			have_id = true;
		} else if (!strcmp(key, "subsystem")) {
			if (e->ids.has_subsys || id_pair(val, &e->ids.subsys_vendor, &e->ids.subsys_device)) {
				problem(errors, where, e->ids.has_subsys ? "subsystem= given twice" :
					"subsystem= must be VENDOR:DEVICE in hex (1458:403b)");
				bad = -EINVAL;
			}
			e->ids.has_subsys = true;
		} else if (!strcmp(key, "driver") && !e->companion) {
			if (e->driver || !claim_name_valid(val)) {
				char *q = word_q(val);

				problem(errors, where, e->driver ? "driver= given twice" :
					"driver '%s' is not a driver name ([A-Za-z0-9_.-])", q);
				free(q);
				bad = -EINVAL;
			} else {
				e->driver = xstrdup(val);
			}
		} else if (!strcmp(key, "type") && !e->companion) {
			/* "auto" is not asked for: what it leads to cannot be checked afterwards */
			if (e->type || !domtype_word_valid(val) || !strcmp(val, "auto")) {
				char *q = word_q(val);

				problem(errors, where, e->type ? "type= given twice" :
					"type '%s' is not one of DMA, DMA-FQ, identity", q);
				free(q);
				bad = -EINVAL;
			} else {
				e->type = xstrdup(val);
			}
		} else if (!strcmp(key, "companions") && !e->companion) {
			if (e->comp != DESIRED_COMP_UNSET) {
				problem(errors, where, "companions= given twice");
				bad = -EINVAL;
			} else if (companions_parse(val, e, errors, where)) {
				bad = -EINVAL;
			}
		} else {
			char *q = word_q(w->v[i]);

			problem(errors, where, "'%s': %s takes %s", q, w->v[0],
				e->companion ? "id= and subsystem=" :
				"id=, subsystem=, driver=, type= and companions=");
			free(q);
			bad = -EINVAL;
		}
	}
	if (!have_id) {
		problem(errors, where, "%s %s has no id=: the IDs expected at that address are what "
			"keeps a swapped card from being bound (lspci -n -s %s shows them)", w->v[0], addr, addr);
		bad = -EINVAL;
	}
	return bad;
}

static void entry_free(struct desired_entry *e)
{
	free(e->addr);
	free(e->driver);
	free(e->type);
	free(e->where);
}

/* The lines of one open stream. */
static int parse_stream(const char *name, FILE *f, struct desired *d, struct strv *errors)
{
	struct line_reader lr;
	int ret = 0, r;

	line_reader_init(&lr, f, 0);
	while ((r = line_next(&lr)) != 1) {
		struct strv words = { 0 };
		struct desired_entry e;
		const char *why = NULL;
		char *where = xasprintf("%s:%lu", name, lr.lineno);

		if (r == -E2BIG || r == -EILSEQ) {
			problem(errors, where, r == -E2BIG ? "line too long" : "a NUL byte in the line");
			ret = -EINVAL;
		} else if (r < 0) {
			problem(errors, where, r == -EFBIG ? "not a text file" : "read error: %s",
				strerror(lr.err ? lr.err : -r));
			free(where);
			ret = -EINVAL;
			break;
		} else if (line_split_words(lr.buf, &words, 64, &why)) {
			problem(errors, where, "%s", why);
			ret = -EINVAL;
		} else if (words.n && d->n >= DESIRED_MAX_ENTRIES) {
			problem(errors, where, "more than %u entries: the rest is not read", DESIRED_MAX_ENTRIES);
			strv_free(&words);
			free(where);
			ret = -EINVAL;
			break;
		} else if (words.n) {
			if (entry_parse(&words, where, &e, errors)) {
				entry_free(&e);
				ret = -EINVAL;
			} else {
				const struct desired_entry *dup = desired_find(d, e.addr);

				if (dup) {
					problem(errors, where, "%s is already named at %s", e.addr, dup->where);
					entry_free(&e);
					ret = -EINVAL;
				} else {
					e.where = where;
					where = NULL;
					d->e = xrealloc(d->e, (d->n + 1) * sizeof(*d->e));
					d->e[d->n++] = e;
				}
			}
		}
		strv_free(&words);
		free(where);
	}
	line_reader_release(&lr);
	return ret;
}

int desired_parse_text(const char *name, const char *text, size_t len, struct desired *d,
		       struct strv *errors)
{
	FILE *f = fmemopen((void *)text, len ? len : 1, "r");
	int err;

	if (!f)
		return -errno;
	if (!len) {
		fclose(f);
		return 0;
	}
	err = parse_stream(name, f, d, errors);
	fclose(f);
	return err;
}

/* One file: a regular file only (a FIFO or a device would block or never end). */
static int parse_file(const char *path, struct desired *d, struct strv *errors)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	FILE *f;
	int err;

	if (fd < 0) {
		err = -errno;
		problem(errors, path, "%s", strerror(-err));
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		problem(errors, path, "not a regular file");
		close(fd);
		return -EINVAL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		err = -errno;
		close(fd);
		return err;
	}
	strv_push(&d->files, path);
	err = parse_stream(path, f, d, errors);
	fclose(f);
	return err;
}

static bool conf_name(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && len > 5 && !strcmp(n + len - 5, ".conf");
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int desired_load(const char *path, struct desired *d, struct strv *errors)
{
	struct strv names = { 0 };
	struct dirent *de;
	struct stat st;
	int ret = 0, err;
	DIR *dir;

	memset(d, 0, sizeof(*d));
	if (stat(path, &st)) {
		err = -errno;
		problem(errors, path, "%s", strerror(-err));
		return err;
	}
	if (!S_ISDIR(st.st_mode))
		return parse_file(path, d, errors);
	dir = opendir(path);
	if (!dir) {
		err = -errno;
		problem(errors, path, "%s", strerror(-err));
		return err;
	}
	while ((de = readdir(dir))) {
		if (!conf_name(de->d_name))
			continue;
		if (names.n == DESIRED_MAX_FILES) {
			problem(errors, path, "more than %u *.conf files: the rest is not read", DESIRED_MAX_FILES);
			ret = -EINVAL;
			break;
		}
		strv_push(&names, de->d_name);
	}
	closedir(dir);
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	for (size_t i = 0; i < names.n; i++) {
		char *p = xasprintf("%s/%s", path, names.v[i]);

		err = parse_file(p, d, errors);
		if (err && !ret)
			ret = err;
		free(p);
	}
	strv_free(&names);
	return ret;
}
