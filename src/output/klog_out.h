/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `decode log` on the writer: in text, the log passed through unchanged
 * with an annotation line after each fault report; in JSON, an array of
 * the fault events only, each written as it is found (constant memory
 * however long the log).
 */
#ifndef IOMMUCTL_KLOG_OUT_H
#define IOMMUCTL_KLOG_OUT_H

#include <stddef.h>

#include "output/decode_out.h"

struct klog_event;
struct out;

/* What starts an annotation line in text. */
#define KLOG_OUT_PREFIX "    iommuctl: "

struct klog_out {
	struct out *o;
	struct decode_buf buf;       /* text */
};

void klog_out_begin(struct klog_out *ko, struct out *o);
/* Text: the input line, len bytes as they are (NULs included). JSON: nothing. */
void klog_out_line(struct klog_out *ko, const char *line, size_t len);
/* Text: the annotation line. JSON: the event's object. */
void klog_out_event(struct klog_out *ko, const struct klog_event *ev);
/* Close the array and push out what is buffered. Returns 0 or -EIO. */
int klog_out_end(struct klog_out *ko);

/*
 * The annotation of one event, as text prints it after KLOG_OUT_PREFIX:
 * "device 00:03.0, IOVA 0xfffff000, DMA read, reason 0x06: ...".
 */
void klog_event_text(const struct klog_event *ev, char *buf, size_t len);

#endif
