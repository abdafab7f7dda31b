/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by every layer: allocation that cannot fail
 * silently, string vectors, number and PCI address parsing.
 */
#ifndef IOMMUCTL_UTIL_H
#define IOMMUCTL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
__attribute__((format(printf, 1, 2)))
char *xasprintf(const char *fmt, ...);
/* The same from a va_list (a varargs helper's own formatting). */
__attribute__((format(printf, 1, 0)))
char *xvasprintf(const char *fmt, va_list ap);

/* A growable, NULL-terminated vector of owned strings. */
struct strv {
	char **v;
	size_t n;
	size_t cap;
};

void strv_push(struct strv *sv, const char *s);
void strv_push_owned(struct strv *sv, char *s);
void strv_free(struct strv *sv);
void strv_sort(struct strv *sv);           /* natural order: 2 before 10 */
bool strv_contains(const struct strv *sv, const char *s);
char *strv_join(const struct strv *sv, const char *sep);

/* Strip trailing whitespace in place; returns s. */
char *str_rstrip(char *s);
bool str_startswith(const char *s, const char *prefix);

/*
 * Parse an unsigned number: decimal, or hex with 0x. Rejects garbage,
 * sign characters and overflow. Returns 0, -EINVAL or -ERANGE.
 */
int parse_u64(const char *s, uint64_t *val);
int parse_u64_base(const char *s, int base, uint64_t *val);
/*
 * The one size parser of every option that takes a size: "4096",
 * "0x1000", or a decimal number with a binary unit K, M, G, T, P or E
 * (either case: "4K", "64k", "2M", "1G"). -EINVAL: not a size; -ERANGE:
 * more than 2^64 - 1 bytes.
 */
int parse_size(const char *s, uint64_t *bytes);

/* PCI address: [DDDD:]BB:DD.F, hex. */
struct pci_addr {
	uint32_t domain;
	uint8_t bus;
	uint8_t dev;
	uint8_t fn;
};

int pci_addr_parse(const char *s, struct pci_addr *a);
/* Canonical "DDDD:BB:DD.F" into buf (at least 13 bytes). */
void pci_addr_format(const struct pci_addr *a, char *buf, size_t len);
bool pci_addr_looks_like(const char *s);
/* The address as one number, in address order (domain, bus, device, function). */
uint64_t pci_addr_key(const struct pci_addr *a);

/* Human size: 4096 -> "4K", 0x100000 -> "1M"; exact power-of-1024 units only. */
void size_format(uint64_t size, char *buf, size_t len);

#endif
