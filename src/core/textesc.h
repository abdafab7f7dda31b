/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text that came from outside (a sysfs tree, a snapshot, a dump) made safe
 * for a terminal, as libsmartcols already prints it in the list views:
 * C0 controls, DEL and C1 controls become \xNN, and so does every byte
 * that is not valid UTF-8 (every byte above 0x7f outside a UTF-8 locale);
 * a backslash before 'x' too, so that \xNN always means an escape.
 */
#ifndef IOMMUCTL_TEXTESC_H
#define IOMMUCTL_TEXTESC_H

#include <stddef.h>

/*
 * The character set comes from LC_CTYPE, which setlocale(LC_CTYPE, "")
 * takes from the environment: reading the locale's files costs a start-up
 * a dozen system calls and pages, and --version, decode or -j need none
 * of it. main() calls text_locale_later(); text_locale() sets it then, once,
 * and is called before anything that depends on it (this file's UTF-8
 * test, libsmartcols, a library loaded on demand). Without
 * text_locale_later() it does nothing: a unit test keeps its own locale.
 */
void text_locale_later(void);
void text_locale(void);

/* How many bytes at the start of s print as they are (up to the NUL, or the first to escape). */
size_t text_safe_prefix(const char *s);
/* The escape of the byte c, "\xNN", in out[4] (not NUL-terminated). */
void text_escape_byte(unsigned char c, char out[4]);
/* A malloc'd copy of s with every byte to escape as \xNN; NULL when s prints as it is. */
char *text_escape(const char *s);

#endif
