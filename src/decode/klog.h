/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IOMMU fault reports in kernel-log text, parsed into events: VT-d (DMAR)
 * fault lines in each format the kernel has printed, AMD-Vi event-log
 * lines, Arm SMMUv3 event records (a header line and the record's words on
 * the lines after it) and RISC-V IOMMU fault-queue lines. A parser reads a
 * log one line at a time and keeps the reports that span lines. Nothing
 * here prints; the annotation text is the presentation layer's.
 */
#ifndef IOMMUCTL_DECODE_KLOG_H
#define IOMMUCTL_DECODE_KLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum klog_source {
	KLOG_DMAR,
	KLOG_AMD,
	KLOG_SMMU,
	KLOG_RISCV,
};

/* An SMMUv3 event record is 32 bytes: the kernel prints four 64-bit words. */
#define KLOG_SMMU_WORDS 4

struct klog_event {
	enum klog_source src;
	unsigned long line;        /* input line the report starts on, from 1 */
	char type[40];             /* "DMA Read", "IO_PAGE_FAULT", "F_TRANSLATION", ... */
	char device[40];           /* the device as the log names it; "" when it does not */
	bool has_addr;
	uint64_t addr;             /* IOVA or address; the IRTE index of a DMAR INTR-REMAP */
	const char *access;        /* "read", "write", "interrupt", or NULL */
	char detail[128];          /* more about the access ("execute, user"), or "" */
	char reason[160];          /* the decoded cause, or "" */
	bool has_pasid;
	uint64_t pasid;            /* PASID, or the SMMUv3 SubstreamID */

	struct {
		bool has_code;     /* false: the reason line did not follow */
		bool intr;         /* an interrupt-remapping fault: addr is the index */
		unsigned int code; /* the fault reason */
	} dmar;
	struct {
		bool has_domain, has_flags;
		unsigned int domain;
		unsigned int flags;        /* event flags, bits 59:48 of the entry */
	} amd;
	struct {
		char name[64];             /* the SMMU device, "" when the line does not say */
		unsigned int id;           /* event number */
		unsigned int nwords;       /* record words read */
		bool complete;             /* all KLOG_SMMU_WORDS words were read */
		uint64_t words[KLOG_SMMU_WORDS];
		bool has_sid;
		uint32_t sid;              /* StreamID */
		bool has_access;           /* the fields below come from word 1 */
		bool instr, priv, s2, stall;
		const char *class_name;    /* what the access was for: "input address", ... */
		bool has_ipa, has_fetch;
		uint64_t ipa, fetch;
	} smmu;
	struct {
		char name[64];             /* the IOMMU device */
		unsigned int cause;
		uint32_t devid;            /* the requester's device ID */
		uint64_t iotval, iotval2;
	} riscv;
};

/* "dmar", "amd-vi", "arm-smmu-v3", "riscv-iommu" */
const char *klog_source_name(enum klog_source src);

/* The name of IO_PAGE_FAULT flag bit `bit` ("GN", "NX", ...); NULL past the last. */
const char *klog_amd_flag_name(unsigned int bit);

/**
 * klog_parse_line() - one line, read on its own
 * @line: the text, NUL-terminated; a trailing newline is allowed
 * @ev: the event, filled in on 0 and -EAGAIN
 *
 * Return: 0 for a complete one-line report; -EAGAIN for the first line of a
 * report that goes on (the two-line DMAR format of old kernels, the header
 * of an SMMUv3 event record: see klog_feed()); -ENOMSG for a line that is
 * not a fault report, a truncated or malformed one included.
 */
int klog_parse_line(const char *line, struct klog_event *ev);

/* A log read line by line. */
struct klog_parser {
	unsigned long lineno;
	bool pending;              /* ev holds a report waiting for more lines */
	struct klog_event ev;
};

void klog_parser_init(struct klog_parser *p);

/**
 * klog_feed() - the next line of a log
 * @p: parser
 * @line: the line, NUL-terminated (text after an embedded NUL is not read)
 * @done: receives the reports finished by this line, in log order
 * @nbefore: how many of them end above this line: a report left pending
 *           that this line does not continue (a DMAR report without its
 *           reason line, an SMMUv3 record cut short). The others end with
 *           this line and belong below it.
 *
 * Return: the number of reports in done[], 0 to 2.
 */
int klog_feed(struct klog_parser *p, const char *line, struct klog_event done[2],
	      int *nbefore);

/**
 * klog_finish() - end of the log
 * @p: parser
 * @ev: receives a report still pending (it was cut short by the end)
 *
 * Return: 1 with *ev filled in, or 0 when nothing was pending.
 */
int klog_finish(struct klog_parser *p, struct klog_event *ev);

#endif
