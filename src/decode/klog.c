/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel-log fault reports into events. Each driver's printk formats are
 * matched by hand (no regex engine: a log of millions of lines goes through
 * here); what a line leaves out stays unset rather than guessed. The causes
 * come from the decoder tables (VT-d fault reasons) or from the tables here.
 *
 * Lines this reads (the drivers' printk formats):
 *  intel/dmar.c dmar_fault_do_one(), current kernels:
 *    DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x7f000 [fault reason 0x06] TEXT
 *    DMAR: [DMA Write PASID 0x2] Request device [...] fault addr 0x... [fault reason 0x05] TEXT
 *    DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 0x2 [fault reason 0x25] TEXT
 *  earlier, the reason in decimal and hex without 0x, the PASID (all ones: none) after the device:
 *    DMAR: [DMA Read] Request device [00:1f.2] PASID ffffffff fault addr 7b5f0000 [fault reason 06] TEXT
 *  and before that without the PASID, and the earliest with the reason on a line of its own:
 *    DMAR:[DMA Read] Request device [00:02.0] fault addr 6df084000
 *    DMAR:[fault reason 06] PTE Read access is not set
 *    INTR-REMAP: Request device [[f0:1f.0] fault index 1a
 *    INTR-REMAP:[fault reason 37] Blocked a compatibility format interrupt request
 *  amd/iommu.c, with or without the device prefix of pci_err()/dev_err():
 *    AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x000b address=0x... flags=0x0020]
 *    vfio-pci 0000:00:03.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000b address=0x... flags=0x0020]
 *    (and ILLEGAL_DEV_TABLE_ENTRY, PAGE_TAB_HARDWARE_ERROR, IOTLB_INV_TIMEOUT, RMP_PAGE_FAULT, ...
 *    with key=value pairs, blank- or comma-separated)
 *  arm/arm-smmu-v3: "event 0x10 received:" then the event record's four words:
 *    arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:
 *    arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000800000010
 *    ... (three more)
 *  riscv/iommu.c riscv_iommu_fault() (v6.13 on):
 *    riscv,iommu 3010000.iommu: Fault 13 devid: 0x10 iotval: 80001000 iotval2: 0
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "decode/decode.h"
#include "decode/klog.h"

static const char *const source_names[] = {
	[KLOG_DMAR] = "dmar",
	[KLOG_AMD] = "amd-vi",
	[KLOG_SMMU] = "arm-smmu-v3",
	[KLOG_RISCV] = "riscv-iommu",
};

const char *klog_source_name(enum klog_source src)
{
	return (size_t)src < ARRAY_SIZE(source_names) ? source_names[src] : "unknown";
}

/* Hex after an optional 0x, at most 16 digits; returns the end or NULL. */
static const char *scan_hex(const char *s, uint64_t *v)
{
	const char *p = s;
	uint64_t x = 0;
	int n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; isxdigit((unsigned char)*p); p++, n++) {
		if (n == 16)
			return NULL;
		x = x << 4 | (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' :
					tolower((unsigned char)*p) - 'a' + 10);
	}
	if (!n)
		return NULL;
	*v = x;
	return p;
}

/* Decimal, at most 9 digits; returns the end or NULL. */
static const char *scan_dec(const char *s, unsigned int *v)
{
	unsigned int x = 0;
	int n = 0;

	for (; isdigit((unsigned char)*s); s++, n++) {
		if (n == 9)
			return NULL;
		x = x * 10 + (unsigned int)(*s - '0');
	}
	if (!n)
		return NULL;
	*v = x;
	return s;
}

/* ---- VT-d ---- */

static void dmar_reason_text(struct klog_event *ev, const char *kernel_text)
{
	const char *t = decode_vtd_fault_reason(ev->dmar.code);

	if (t)
		snprintf(ev->reason, sizeof(ev->reason), "%s", t);
	else if (kernel_text && *kernel_text)
		snprintf(ev->reason, sizeof(ev->reason), "%.130s (kernel's wording)", kernel_text);
	else
		snprintf(ev->reason, sizeof(ev->reason), "unknown fault reason");
}

/*
 * "[fault reason 0x06] TEXT" (current), "[fault reason 06] TEXT" (decimal,
 * older kernels), "[fault reason 06h]"; p at the '['.
 */
static bool dmar_reason_at(const char *p, struct klog_event *ev)
{
	static const char key[] = "[fault reason ";
	const char *q, *end;
	char text[160];
	uint64_t v;

	if (strncmp(p, key, sizeof(key) - 1))
		return false;
	q = p + sizeof(key) - 1;
	if (q[0] == '0' && q[1] == 'x') {
		if (!(end = scan_hex(q, &v)))
			return false;
	} else {
		unsigned int d;

		if (!(end = scan_dec(q, &d)))
			return false;
		v = d;
		if (*end == 'h' || isxdigit((unsigned char)*end)) {
			if (!(end = scan_hex(q, &v)))
				return false;
			if (*end == 'h')
				end++;
		}
	}
	if (*end != ']' || v > 0xff)
		return false;
	end++;
	while (*end == ' ')
		end++;
	snprintf(text, sizeof(text), "%s", end);
	str_rstrip(text);
	ev->dmar.has_code = true;
	ev->dmar.code = (unsigned int)v;
	dmar_reason_text(ev, text);
	return true;
}

static bool dmar_scan_reason(const char *p, struct klog_event *ev)
{
	const char *q = strstr(p, "[fault reason ");

	return q && dmar_reason_at(q, ev);
}

/*
 * The reason line of the old two-line format: "DMAR:[fault reason 06] TEXT",
 * "INTR-REMAP:[fault reason 37] TEXT". Nothing else may come before the
 * bracket, so that a full report on the next line is not taken for one.
 */
static bool dmar_reason_line(const char *line, struct klog_event *ev)
{
	const char *p = strstr(line, ev->dmar.intr ? "INTR-REMAP:" : "DMAR:");

	if (!p)
		return false;
	p = strchr(p, ':') + 1;
	while (*p == ' ')
		p++;
	return dmar_reason_at(p, ev);
}

/* The device in "[00:03.0]", p after the '['; returns the end after ']' or NULL. */
static const char *dmar_device(const char *p, struct klog_event *ev)
{
	const char *q = strchr(p, ']');

	if (!q || q == p || (size_t)(q - p) >= sizeof(ev->device))
		return NULL;
	memcpy(ev->device, p, (size_t)(q - p));
	ev->device[q - p] = '\0';
	return q + 1;
}

/* "INTR-REMAP: Request device [[f0:1f.0] fault index 1a": the two-line format's first line */
static int dmar_parse_old_intr(const char *line, struct klog_event *ev)
{
	static const char key[] = "INTR-REMAP: Request device [";
	const char *p = strstr(line, key), *q;

	if (!p)
		return -ENOMSG;
	p += sizeof(key) - 1;
	if (*p == '[')
		p++;
	memset(ev, 0, sizeof(*ev));
	ev->src = KLOG_DMAR;
	if (!(p = dmar_device(p, ev)))
		return -ENOMSG;
	if (!(q = strstr(p, " fault index ")) || !scan_hex(q + 13, &ev->addr))
		return -ENOMSG;
	ev->has_addr = true;
	ev->dmar.intr = true;
	ev->access = "interrupt";
	snprintf(ev->type, sizeof(ev->type), "INTR-REMAP");
	return dmar_scan_reason(p, ev) ? 0 : -EAGAIN;
}

static int dmar_parse(const char *line, struct klog_event *ev)
{
	static const char req[] = "] Request device [";
	const char *p = strstr(line, "DMAR:"), *q, *f;
	char kind[40];
	size_t n;

	if (!p)
		return -ENOMSG;
	p += 5;
	while (*p == ' ')
		p++;
	if (*p != '[' || !(q = strstr(p, req)))
		return -ENOMSG;
	n = (size_t)(q - p - 1);
	if (n >= sizeof(kind))
		return -ENOMSG;
	memcpy(kind, p + 1, n);
	kind[n] = '\0';
	memset(ev, 0, sizeof(*ev));
	ev->src = KLOG_DMAR;
	if (!(p = dmar_device(q + sizeof(req) - 1, ev)))
		return -ENOMSG;

	/* kind: "DMA Read NO_PASID", "DMA Write PASID 0x2", "DMA Read", "INTR-REMAP" */
	if (str_startswith(kind, "INTR-REMAP")) {
		ev->dmar.intr = true;
		ev->access = "interrupt";
		snprintf(ev->type, sizeof(ev->type), "INTR-REMAP");
	} else if (str_startswith(kind, "DMA Read") || str_startswith(kind, "DMA Write")) {
		bool rd = kind[4] == 'R';
		const char *pas = strstr(kind, "PASID 0x");

		ev->access = rd ? "read" : "write";
		snprintf(ev->type, sizeof(ev->type), "%s", rd ? "DMA Read" : "DMA Write");
		if (pas && scan_hex(pas + 6, &ev->pasid))
			ev->has_pasid = true;
	} else {
		return -ENOMSG;
	}
	/* earlier kernels: "PASID ffffffff" between the device and the address; all ones is none */
	q = strstr(p, " PASID ");
	f = strstr(p, " fault ");
	if (q && (!f || q < f)) {
		uint64_t v;

		if (scan_hex(q + 7, &v) && v != 0xffffffff) {
			ev->pasid = v;
			ev->has_pasid = true;
		}
	}
	/* a blank follows the number in every format: without it, the line was cut in it */
	if ((q = strstr(p, " fault addr ")) && (q = scan_hex(q + 12, &ev->addr)) && *q == ' ')
		ev->has_addr = true;
	else if ((q = strstr(p, " fault index ")) && (q = scan_hex(q + 13, &ev->addr)) && *q == ' ')
		ev->has_addr = true;
	else
		ev->addr = 0;
	return dmar_scan_reason(p, ev) ? 0 : -EAGAIN;
}

/* ---- AMD-Vi ---- */

/* IO_PAGE_FAULT flags (AMD IOMMU spec, event log: flags = event bits 59:48 of the entry) */
#define AMD_GN (1u << 0)
#define AMD_NX (1u << 1)
#define AMD_US (1u << 2)
#define AMD_I  (1u << 3)
#define AMD_PR (1u << 4)
#define AMD_RW (1u << 5)
#define AMD_PE (1u << 6)
#define AMD_RZ (1u << 7)
#define AMD_TR (1u << 8)

static const char *const amd_flag_names[] = {
	[0] = "GN", [1] = "NX", [2] = "US", [3] = "I", [4] = "PR",
	[5] = "RW", [6] = "PE", [7] = "RZ", [8] = "TR",
};

const char *klog_amd_flag_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(amd_flag_names) ? amd_flag_names[bit] : NULL;
}

static const struct {
	unsigned int flag;
	const char *what;
} amd_details[] = {
	{ AMD_NX, "execute" },
	{ AMD_US, "user" },
	{ AMD_GN, "with PASID (guest)" },
	{ AMD_TR, "ATS translation request" },
};

static void amd_page_fault_reason(struct klog_event *ev)
{
	unsigned int f = ev->amd.flags;
	const char *cause;
	size_t n = 0;

	ev->access = f & AMD_I ? "interrupt" : f & AMD_RW ? "write" : "read";
	if (f & AMD_RZ)
		cause = "reserved bits set or an invalid level in a table entry";
	else if (!(f & AMD_PR))
		cause = f & AMD_I ? "interrupt remapping entry not present" :
				    "page-table entry not present";
	else if (f & AMD_PE)
		cause = "access not permitted by the page-table entry";
	else
		cause = "entry present, no permission or reserved-bit error flagged";
	for (size_t i = 0; i < ARRAY_SIZE(amd_details); i++)
		if (f & amd_details[i].flag)
			n += (size_t)snprintf(ev->detail + n, sizeof(ev->detail) - n, "%s%s",
					      n ? ", " : "", amd_details[i].what);
	snprintf(ev->reason, sizeof(ev->reason), "%s", cause);
}

/* What each event type (amd/iommu.c iommu_print_event()) means, but IO_PAGE_FAULT. */
static const struct {
	const char *type;
	const char *reason;
} amd_reasons[] = {
	{ "ILLEGAL_DEV_TABLE_ENTRY", "the device table entry is invalid (reserved bits or bad settings)" },
	{ "DEV_TAB_HARDWARE_ERROR", "hardware error reading the device table" },
	{ "PAGE_TAB_HARDWARE_ERROR", "hardware error reading a page table" },
	{ "ILLEGAL_COMMAND_ERROR", "the IOMMU rejected a command in the command buffer" },
	{ "COMMAND_HARDWARE_ERROR", "hardware error reading the command buffer" },
	{ "IOTLB_INV_TIMEOUT", "the device did not answer an ATS invalidation in time" },
	{ "INVALID_DEVICE_REQUEST", "the device made a request it is not allowed to make" },
	{ "INVALID_PPR_REQUEST", "invalid peripheral page request" },
	{ "RMP_PAGE_FAULT", "SEV-SNP reverse map table check failed" },
	{ "RMP_HW_ERROR", "hardware error reading the SEV-SNP reverse map table" },
};

/* key=value in the bracket, the value up to a blank, comma or ']' */
static bool amd_field(const char *body, const char *key, char *val, size_t len)
{
	size_t kl = strlen(key);
	const char *p = body;

	while ((p = strstr(p, key))) {
		if (p[kl] == '=' && (p == body || p[-1] == ' ' || p[-1] == ',')) {
			size_t n;

			p += kl + 1;
			n = strcspn(p, " ,]");
			/* no separator after it: the line was cut in the value */
			if (n >= len || !p[n])
				return false;
			memcpy(val, p, n);
			val[n] = '\0';
			return true;
		}
		p += kl;
	}
	return false;
}

static int amd_parse(const char *line, struct klog_event *ev)
{
	static const char key[] = "AMD-Vi: Event logged [";
	const char *p = strstr(line, key), *body;
	char val[64];
	uint64_t v;
	size_t n;

	if (!p)
		return -ENOMSG;
	body = p + sizeof(key) - 1;
	n = strcspn(body, " ]");
	if (!n || n >= sizeof(ev->type))
		return -ENOMSG;
	memset(ev, 0, sizeof(*ev));
	ev->src = KLOG_AMD;
	memcpy(ev->type, body, n);
	if (amd_field(body, "device", val, sizeof(val))) {
		snprintf(ev->device, sizeof(ev->device), "%.39s", val);
	} else if (p > line + 2 && p[-1] == ' ' && p[-2] == ':') {
		/* "DRIVER 0000:00:03.0: AMD-Vi: ...": the device pci_err() named */
		const char *e = p - 2, *s = e;

		while (s > line && s[-1] != ' ')
			s--;
		if ((size_t)(e - s) < sizeof(ev->device)) {
			memcpy(ev->device, s, (size_t)(e - s));
			ev->device[e - s] = '\0';
			if (!pci_addr_looks_like(ev->device))
				ev->device[0] = '\0';
		}
	}
	if ((amd_field(body, "address", val, sizeof(val)) || amd_field(body, "gpa", val, sizeof(val)) ||
	     amd_field(body, "spa", val, sizeof(val))) && scan_hex(val, &ev->addr))
		ev->has_addr = true;
	if (amd_field(body, "domain", val, sizeof(val)) && scan_hex(val, &v)) {
		ev->amd.has_domain = true;
		ev->amd.domain = (unsigned int)v;
	}
	if (amd_field(body, "pasid", val, sizeof(val)) && scan_hex(val, &v)) {
		ev->has_pasid = true;
		ev->pasid = v;
	}
	if (amd_field(body, "flags", val, sizeof(val)) && scan_hex(val, &v)) {
		ev->amd.has_flags = true;
		ev->amd.flags = (unsigned int)v;
	}
	if (!strcmp(ev->type, "IO_PAGE_FAULT")) {
		if (ev->amd.has_flags)
			amd_page_fault_reason(ev);
		else
			snprintf(ev->reason, sizeof(ev->reason), "flags not in the log");
		return 0;
	}
	snprintf(ev->reason, sizeof(ev->reason), "event not known to iommuctl");
	for (size_t i = 0; i < ARRAY_SIZE(amd_reasons); i++)
		if (!strcmp(ev->type, amd_reasons[i].type))
			snprintf(ev->reason, sizeof(ev->reason), "%s", amd_reasons[i].reason);
	return 0;
}

/* ---- Arm SMMUv3 ---- */

/* Event record (SMMUv3 spec, chapter 7 Events): which words an event fills in */
#define SMMU_EV_ADDR  (1u << 0)  /* word 2 is the input address */
#define SMMU_EV_IPA   (1u << 1)  /* word 3 bits 51:12 are the IPA (stage 2) */
#define SMMU_EV_FETCH (1u << 2)  /* word 3 bits 51:3 are the fetch address */
#define SMMU_EV_ACC   (1u << 3)  /* word 1 describes the access */
#define SMMU_IPA_MASK   0x000ffffffffff000ULL
#define SMMU_FETCH_MASK 0x000ffffffffffff8ULL
/* word 0 */
#define SMMU_W0_SSV     (1ULL << 11)
/* word 1 */
#define SMMU_W1_STALL   (1ULL << 31)
#define SMMU_W1_PNU     (1ULL << 33)
#define SMMU_W1_IND     (1ULL << 34)
#define SMMU_W1_RNW     (1ULL << 35)
#define SMMU_W1_S2      (1ULL << 39)
#define SMMU_W1_CLASS_SHIFT 40

static const struct {
	unsigned int id;
	const char *name;
	const char *what;
	unsigned int has;
} smmu_events[] = {
	{ 0x01, "F_UUT", "unsupported upstream transaction", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x02, "C_BAD_STREAMID", "StreamID beyond the stream table", 0 },
	{ 0x03, "F_STE_FETCH", "external abort fetching the stream table entry", SMMU_EV_FETCH },
	{ 0x04, "C_BAD_STE", "invalid stream table entry", 0 },
	{ 0x05, "F_BAD_ATS_TREQ", "ATS translation request not allowed", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x06, "F_STREAM_DISABLED", "transaction on a disabled stream", 0 },
	{ 0x07, "F_TRANSL_FORBIDDEN", "translated (ATS) transaction not allowed", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x08, "C_BAD_SUBSTREAMID", "SubstreamID out of range or not allowed", 0 },
	{ 0x09, "F_CD_FETCH", "external abort fetching the context descriptor", SMMU_EV_FETCH },
	{ 0x0a, "C_BAD_CD", "invalid context descriptor", 0 },
	{ 0x0b, "F_WALK_EABT", "external abort during a translation table walk",
	  SMMU_EV_ADDR | SMMU_EV_ACC | SMMU_EV_FETCH },
	{ 0x10, "F_TRANSLATION", "translation fault: no valid mapping for the address",
	  SMMU_EV_ADDR | SMMU_EV_ACC | SMMU_EV_IPA },
	{ 0x11, "F_ADDR_SIZE", "address size fault: address beyond the configured range",
	  SMMU_EV_ADDR | SMMU_EV_ACC | SMMU_EV_IPA },
	{ 0x12, "F_ACCESS", "access flag fault", SMMU_EV_ADDR | SMMU_EV_ACC | SMMU_EV_IPA },
	{ 0x13, "F_PERMISSION", "permission fault: the mapping does not allow this access",
	  SMMU_EV_ADDR | SMMU_EV_ACC | SMMU_EV_IPA },
	{ 0x20, "F_TLB_CONFLICT", "TLB conflict", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x21, "F_CFG_CONFLICT", "configuration cache conflict", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x24, "E_PAGE_REQUEST", "page request hint", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x25, "F_VMS_FETCH", "external abort fetching the VMS", SMMU_EV_FETCH },
};

static const char *const smmu_class_names[] = {
	"CD fetch", "translation table fetch", "input address", "reserved class",
};

/*
 * Decode the words read so far. A record cut short decodes only the words
 * it has: a field in a missing word stays unset.
 */
static void smmu_decode(struct klog_event *ev)
{
	const uint64_t *w = ev->smmu.words;
	unsigned int n = ev->smmu.nwords, has = SMMU_EV_ADDR | SMMU_EV_ACC;
	const char *name = NULL, *what = "event not known to iommuctl";

	if (n)
		ev->smmu.id = (unsigned int)(w[0] & 0xff);
	ev->smmu.complete = n == KLOG_SMMU_WORDS;
	for (size_t i = 0; i < ARRAY_SIZE(smmu_events); i++)
		if (smmu_events[i].id == ev->smmu.id) {
			name = smmu_events[i].name;
			what = smmu_events[i].what;
			has = smmu_events[i].has;
		}
	if (ev->smmu.id >= 0xe0 && ev->smmu.id <= 0xef)
		what = "IMPLEMENTATION DEFINED event";
	snprintf(ev->type, sizeof(ev->type), "%s", name ? name : "UNKNOWN");
	snprintf(ev->reason, sizeof(ev->reason), "%s", what);
	if (n >= 1) {
		ev->smmu.has_sid = true;
		ev->smmu.sid = (uint32_t)(w[0] >> 32);
		if (w[0] & SMMU_W0_SSV) {
			ev->has_pasid = true;
			ev->pasid = (w[0] >> 12) & 0xfffff;
		}
	}
	if ((has & SMMU_EV_ACC) && n >= 2) {
		ev->smmu.has_access = true;
		ev->access = w[1] & SMMU_W1_RNW ? "read" : "write";
		ev->smmu.instr = w[1] & SMMU_W1_IND;
		ev->smmu.priv = w[1] & SMMU_W1_PNU;
		ev->smmu.s2 = w[1] & SMMU_W1_S2;
		ev->smmu.stall = w[1] & SMMU_W1_STALL;
		ev->smmu.class_name = smmu_class_names[(w[1] >> SMMU_W1_CLASS_SHIFT) & 3];
	}
	if ((has & SMMU_EV_ADDR) && n >= 3) {
		ev->has_addr = true;
		ev->addr = w[2];
	}
	if ((has & SMMU_EV_IPA) && ev->smmu.s2 && n >= 4) {
		ev->smmu.has_ipa = true;
		ev->smmu.ipa = w[3] & SMMU_IPA_MASK;
	}
	if ((has & SMMU_EV_FETCH) && n >= 4) {
		ev->smmu.has_fetch = true;
		ev->smmu.fetch = w[3] & SMMU_FETCH_MASK;
	}
}

/* "arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:", the header of a record */
static int smmu_parse_header(const char *line, struct klog_event *ev)
{
	const char *p = strstr(line, "event 0x"), *q, *s, *e;
	uint64_t id;

	if (!p || !(q = scan_hex(p + 6, &id)) || id > 0xff || strncmp(q, " received:", 10))
		return -ENOMSG;
	if (!strstr(line, "smmu") && !strstr(line, "SMMU"))
		return -ENOMSG;
	memset(ev, 0, sizeof(*ev));
	ev->src = KLOG_SMMU;
	ev->smmu.id = (unsigned int)id;
	/* the device name before ": event" */
	e = p;
	while (e > line && (e[-1] == ' ' || e[-1] == ':'))
		e--;
	s = e;
	while (s > line && s[-1] != ' ' && s[-1] != ']')
		s--;
	if (e > s && (size_t)(e - s) < sizeof(ev->smmu.name))
		memcpy(ev->smmu.name, s, (size_t)(e - s));
	smmu_decode(ev);
	return -EAGAIN;
}

/* A record word line: the last token is 0x and 16 hex digits. */
static bool smmu_word(const char *line, uint64_t *w)
{
	size_t n = strlen(line);
	const char *end;

	while (n && isspace((unsigned char)line[n - 1]))
		n--;
	if (n < 18)
		return false;
	if (n > 18 && !isspace((unsigned char)line[n - 19]))
		return false;
	if (line[n - 18] != '0' || line[n - 17] != 'x')
		return false;
	end = scan_hex(line + n - 18, w);
	return end == line + n;
}

/* ---- RISC-V IOMMU ---- */

/* Fault-queue record CAUSE (RISC-V IOMMU spec, "Fault/Event-Queue", table of causes) */
static const struct {
	unsigned int cause;
	const char *name;
	const char *access;        /* what the faulting transaction did, or NULL */
	const char *detail;        /* more about it, or NULL */
	const char *reason;
} riscv_causes[] = {
	{ .cause = 1, .name = "Instruction access fault", .access = "read", .detail = "execute",
	  .reason = "access fault on an instruction fetch" },
	{ .cause = 4, .name = "Read address misaligned", .access = "read",
	  .reason = "read address misaligned" },
	{ .cause = 5, .name = "Read access fault", .access = "read",
	  .reason = "access fault on a read" },
	{ .cause = 6, .name = "Write/AMO address misaligned", .access = "write",
	  .reason = "write or atomic address misaligned" },
	{ .cause = 7, .name = "Write/AMO access fault", .access = "write",
	  .reason = "access fault on a write or atomic" },
	{ .cause = 12, .name = "Instruction page fault", .access = "read", .detail = "execute",
	  .reason = "first-stage page fault on an instruction fetch:"
		    " no valid mapping or no execute permission" },
	{ .cause = 13, .name = "Read page fault", .access = "read",
	  .reason = "first-stage page fault on a read:"
		    " no valid mapping or no read permission" },
	{ .cause = 15, .name = "Write/AMO page fault", .access = "write",
	  .reason = "first-stage page fault on a write or atomic:"
		    " no valid mapping or no write permission" },
	{ .cause = 20, .name = "Instruction guest-page fault", .access = "read", .detail = "execute",
	  .reason = "second-stage (guest) page fault on an instruction fetch" },
	{ .cause = 21, .name = "Read guest-page fault", .access = "read",
	  .reason = "second-stage (guest) page fault on a read" },
	{ .cause = 23, .name = "Write/AMO guest-page fault", .access = "write",
	  .reason = "second-stage (guest) page fault on a write or atomic" },
	{ .cause = 256, .name = "All inbound transactions disallowed",
	  .reason = "the IOMMU is off: all inbound transactions are disallowed" },
	{ .cause = 257, .name = "DDT entry load access fault",
	  .reason = "access fault loading a device-directory-table entry" },
	{ .cause = 258, .name = "DDT entry not valid",
	  .reason = "the device-directory-table entry is not valid" },
	{ .cause = 259, .name = "DDT entry misconfigured",
	  .reason = "the device-directory-table entry is misconfigured" },
	{ .cause = 260, .name = "Transaction type disallowed",
	  .reason = "the device context does not allow this transaction type" },
	{ .cause = 261, .name = "MSI PTE load access fault",
	  .reason = "access fault loading an MSI page-table entry" },
	{ .cause = 262, .name = "MSI PTE not valid",
	  .reason = "the MSI page-table entry is not valid" },
	{ .cause = 263, .name = "MSI PTE misconfigured",
	  .reason = "the MSI page-table entry is misconfigured" },
	{ .cause = 264, .name = "MRIF access fault",
	  .reason = "access fault on a memory-resident interrupt file" },
	{ .cause = 265, .name = "PDT entry load access fault",
	  .reason = "access fault loading a process-directory-table entry" },
	{ .cause = 266, .name = "PDT entry not valid",
	  .reason = "the process-directory-table entry is not valid" },
	{ .cause = 267, .name = "PDT entry misconfigured",
	  .reason = "the process-directory-table entry is misconfigured" },
	{ .cause = 268, .name = "DDT data corruption",
	  .reason = "data corruption in the device directory table" },
	{ .cause = 269, .name = "PDT data corruption",
	  .reason = "data corruption in the process directory table" },
	{ .cause = 270, .name = "MSI PT data corruption",
	  .reason = "data corruption in the MSI page table" },
	{ .cause = 271, .name = "MRIF data corruption",
	  .reason = "data corruption in a memory-resident interrupt file" },
	{ .cause = 272, .name = "Internal data path error",
	  .reason = "internal data path error in the IOMMU" },
	{ .cause = 273, .name = "IOMMU MSI write access fault",
	  .reason = "access fault writing an IOMMU-generated MSI" },
	{ .cause = 274, .name = "Page table data corruption",
	  .reason = "data corruption in a first- or second-stage page table" },
};

/* Causes below this are about the transaction: iotval is its IOVA. */
#define RISCV_CAUSE_TRANSACTION_MAX 255
#define RISCV_CAUSE_MAX 0xfff           /* the field is 12 bits */
#define RISCV_DEVID_MAX 0xffffff        /* 24 bits */

/* "DRIVER DEVICE: Fault 13 devid: 0x10 iotval: 80001000 iotval2: 0" */
static int riscv_parse(const char *line, struct klog_event *ev)
{
	const char *p = strstr(line, ": Fault "), *q, *s;
	unsigned int cause;
	uint64_t devid, v1, v2;

	if (!p || !(q = scan_dec(p + 8, &cause)) || cause > RISCV_CAUSE_MAX)
		return -ENOMSG;
	if (strncmp(q, " devid: 0x", 10) || !(q = scan_hex(q + 8, &devid)) || devid > RISCV_DEVID_MAX)
		return -ENOMSG;
	if (strncmp(q, " iotval: ", 9) || !(q = scan_hex(q + 9, &v1)))
		return -ENOMSG;
	if (strncmp(q, " iotval2: ", 10) || !(q = scan_hex(q + 10, &v2)))
		return -ENOMSG;
	if (*q && !isspace((unsigned char)*q))
		return -ENOMSG;
	memset(ev, 0, sizeof(*ev));
	ev->src = KLOG_RISCV;
	ev->riscv.cause = cause;
	ev->riscv.devid = (uint32_t)devid;
	ev->riscv.iotval = v1;
	ev->riscv.iotval2 = v2;
	s = p;
	while (s > line && s[-1] != ' ' && s[-1] != ']')
		s--;
	if (p > s && (size_t)(p - s) < sizeof(ev->riscv.name))
		memcpy(ev->riscv.name, s, (size_t)(p - s));
	if (cause <= RISCV_CAUSE_TRANSACTION_MAX) {
		ev->has_addr = true;
		ev->addr = v1;
	}
	snprintf(ev->type, sizeof(ev->type), "cause %u", cause);
	snprintf(ev->reason, sizeof(ev->reason), "cause not known to iommuctl");
	for (size_t i = 0; i < ARRAY_SIZE(riscv_causes); i++)
		if (riscv_causes[i].cause == cause) {
			snprintf(ev->type, sizeof(ev->type), "%s", riscv_causes[i].name);
			snprintf(ev->reason, sizeof(ev->reason), "%s", riscv_causes[i].reason);
			ev->access = riscv_causes[i].access;
			if (riscv_causes[i].detail)
				snprintf(ev->detail, sizeof(ev->detail), "%s", riscv_causes[i].detail);
		}
	return 0;
}

/* ---- lines ---- */

int klog_parse_line(const char *line, struct klog_event *ev)
{
	int err;

	/* each parser first looks for its driver's marker and gives up early without it */
	if ((err = dmar_parse(line, ev)) != -ENOMSG)
		return err;
	if ((err = dmar_parse_old_intr(line, ev)) != -ENOMSG)
		return err;
	if ((err = amd_parse(line, ev)) != -ENOMSG)
		return err;
	if ((err = smmu_parse_header(line, ev)) != -ENOMSG)
		return err;
	return riscv_parse(line, ev);
}

void klog_parser_init(struct klog_parser *p)
{
	memset(p, 0, sizeof(*p));
}

/* A pending report that this line continues: true when the line was taken. */
static bool continue_pending(struct klog_parser *p, const char *line, bool *done)
{
	struct klog_event *ev = &p->ev;
	uint64_t w;

	*done = false;
	if (ev->src == KLOG_SMMU) {
		if (!smmu_word(line, &w))
			return false;
		ev->smmu.words[ev->smmu.nwords++] = w;
		smmu_decode(ev);
		*done = ev->smmu.complete;
		return true;
	}
	if (ev->src == KLOG_DMAR && dmar_reason_line(line, ev)) {
		*done = true;
		return true;
	}
	return false;
}

int klog_feed(struct klog_parser *p, const char *line, struct klog_event done[2],
	      int *nbefore)
{
	int n = 0, err;
	bool finished;

	p->lineno++;
	*nbefore = 0;
	if (p->pending) {
		if (continue_pending(p, line, &finished)) {
			if (finished) {
				done[0] = p->ev;
				p->pending = false;
				return 1;
			}
			return 0;
		}
		/* the report ended without the rest of it */
		done[n++] = p->ev;
		p->pending = false;
		*nbefore = 1;
	}
	err = klog_parse_line(line, &done[n]);
	if (err == -ENOMSG)
		return n;
	done[n].line = p->lineno;
	if (err == -EAGAIN) {
		p->ev = done[n];
		p->pending = true;
		return n;
	}
	return n + 1;
}

int klog_finish(struct klog_parser *p, struct klog_event *ev)
{
	if (!p->pending)
		return 0;
	*ev = p->ev;
	p->pending = false;
	return 1;
}
