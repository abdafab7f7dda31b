/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the kernel-log parsers (src/decode/klog.c): the
 * input is a log, cut into lines at '\n' and fed to a parser as `decode log`
 * does; each line is also parsed on its own, and every event is rendered as
 * annotation text and as JSON (to /dev/null). Checks: no crash, reports come
 * in log order from lines read so far, a record is complete exactly when it
 * has all its words, and every string stays inside its buffer. Seeded from
 * the fixture boot logs and the golden kernel log (tests/fuzz/run.sh).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/klog.h"
#include "output/klog_out.h"
#include "output/out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

#define TERMINATED(s) (memchr((s), '\0', sizeof(s)) != NULL)

static void check(const struct klog_event *ev, unsigned long lineno, unsigned long *last)
{
	char text[512];

	if (ev->line < 1 || ev->line > lineno || ev->line < *last)
		abort();
	*last = ev->line;
	if (!TERMINATED(ev->type) || !TERMINATED(ev->device) || !TERMINATED(ev->detail) ||
	    !TERMINATED(ev->reason) || !TERMINATED(ev->smmu.name) || !TERMINATED(ev->riscv.name))
		abort();
	if (ev->src == KLOG_SMMU &&
	    (ev->smmu.nwords > KLOG_SMMU_WORDS ||
	     ev->smmu.complete != (ev->smmu.nwords == KLOG_SMMU_WORDS) ||
	     ev->smmu.id > 0xff || (ev->has_addr && ev->smmu.nwords < 3)))
		abort();
	if (ev->src == KLOG_DMAR && ev->dmar.has_code && ev->dmar.code > 0xff)
		abort();
	klog_event_text(ev, text, sizeof(text));
	if (strlen(text) >= sizeof(text))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out_opts jo = { .f = devnull(), .json = true }, to = { .f = devnull() };
	struct out *oj = out_new(&jo), *ot = out_new(&to);
	struct klog_out kj, kt;
	struct klog_parser p;
	struct klog_event done[2], one;
	unsigned long lineno = 0, last = 0;
	char *line = malloc(size + 1);
	size_t start = 0;
	int n, before;

	if (!line)
		return 0;
	klog_parser_init(&p);
	klog_out_begin(&kj, oj);
	klog_out_begin(&kt, ot);
	while (start < size) {
		const uint8_t *nl = memchr(data + start, '\n', size - start);
		size_t len = nl ? (size_t)(nl - data - start) + 1 : size - start;

		memcpy(line, data + start, len);
		line[len] = '\0';
		start += len;
		lineno++;

		n = klog_parse_line(line, &one);
		if (n != 0 && n != -EAGAIN && n != -ENOMSG)
			abort();
		n = klog_feed(&p, line, done, &before);
		if (n < 0 || n > 2 || before < 0 || before > n)
			abort();
		for (int i = 0; i < n; i++)
			check(&done[i], lineno, &last);
		/* as decode log places them: above the line, the line, below it */
		for (int i = 0; i < before; i++)
			klog_out_event(&kt, &done[i]);
		klog_out_line(&kt, line, len);
		for (int i = before; i < n; i++)
			klog_out_event(&kt, &done[i]);
		for (int i = 0; i < n; i++)
			klog_out_event(&kj, &done[i]);
	}
	if (klog_finish(&p, &one)) {
		check(&one, lineno, &last);
		klog_out_event(&kj, &one);
		klog_out_event(&kt, &one);
	}
	klog_out_end(&kj);
	klog_out_end(&kt);
	out_free(oj);
	out_free(ot);
	free(line);
	return 0;
}
