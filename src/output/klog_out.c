/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Presentation of kernel-log fault events (src/decode/klog.h): the one-line
 * annotation `decode log` adds after a report, and the JSON object of an
 * event. Text passes the log through a decode_buf: a log of millions of
 * lines goes by at the speed of memcpy.
 */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "decode/klog.h"
#include "output/klog_out.h"
#include "output/out.h"

/* ---- annotation text ---- */

static void dmar_text(const struct klog_event *ev, char *buf, size_t len)
{
	char pasid[32] = "", reason[200], addr[40] = "not in the log";

	if (ev->has_pasid)
		snprintf(pasid, sizeof(pasid), ", PASID 0x%llx", (unsigned long long)ev->pasid);
	if (ev->dmar.has_code)
		snprintf(reason, sizeof(reason), ", reason 0x%02x: %s", ev->dmar.code, ev->reason);
	else
		snprintf(reason, sizeof(reason), ", reason not in the log");
	if (ev->has_addr)
		snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)ev->addr);
	if (ev->dmar.intr)
		snprintf(buf, len, "device %s, interrupt remapping table index %s%s", ev->device,
			 addr, reason);
	else
		snprintf(buf, len, "device %s, IOVA %s, DMA %s%s%s", ev->device, addr, ev->access,
			 pasid, reason);
}

static void amd_text(const struct klog_event *ev, char *buf, size_t len)
{
	char dom[24] = "", addr[48] = "", flags[24] = "", pasid[32] = "";

	if (ev->amd.has_domain)
		snprintf(dom, sizeof(dom), ", domain 0x%04x", ev->amd.domain);
	if (ev->has_addr)
		snprintf(addr, sizeof(addr), ", %s 0x%llx",
			 !strcmp(ev->type, "IO_PAGE_FAULT") ? "IOVA" : "address",
			 (unsigned long long)ev->addr);
	if (ev->has_pasid)
		snprintf(pasid, sizeof(pasid), ", PASID 0x%llx", (unsigned long long)ev->pasid);
	if (ev->amd.has_flags)
		snprintf(flags, sizeof(flags), " flags 0x%04x", ev->amd.flags);
	snprintf(buf, len, "device %s%s%s%s, %s%s: %s%s%s%s%s",
		 ev->device[0] ? ev->device : "unknown", dom, pasid, addr, ev->type, flags,
		 ev->access ? ev->access : "", ev->detail[0] ? ", " : "", ev->detail,
		 ev->access ? ", " : "", ev->reason);
}

static void smmu_text(const struct klog_event *ev, char *buf, size_t len)
{
	char sid[96] = "", addr[48] = "", extra[64] = "", acc[128] = "", cut[48] = "";

	if (ev->smmu.has_sid) {
		char ssid[40] = "";

		if (ev->has_pasid)
			snprintf(ssid, sizeof(ssid), ", SubstreamID 0x%llx",
				 (unsigned long long)ev->pasid);
		snprintf(sid, sizeof(sid), "StreamID 0x%llx%s", (unsigned long long)ev->smmu.sid,
			 ssid);
	}
	if (ev->has_addr)
		snprintf(addr, sizeof(addr), ", IOVA 0x%llx", (unsigned long long)ev->addr);
	if (ev->smmu.has_ipa)
		snprintf(extra, sizeof(extra), ", IPA 0x%llx", (unsigned long long)ev->smmu.ipa);
	if (ev->smmu.has_fetch)
		snprintf(extra, sizeof(extra), ", fetch address 0x%llx",
			 (unsigned long long)ev->smmu.fetch);
	if (ev->smmu.has_access)
		snprintf(acc, sizeof(acc), " (%s, %s, %s, stage %d, class %s%s)", ev->access,
			 ev->smmu.instr ? "instruction" : "data",
			 ev->smmu.priv ? "privileged" : "unprivileged", ev->smmu.s2 ? 2 : 1,
			 ev->smmu.class_name, ev->smmu.stall ? ", stalled" : "");
	if (!ev->smmu.complete)
		snprintf(cut, sizeof(cut), "; record cut short: %u of %u words", ev->smmu.nwords,
			 KLOG_SMMU_WORDS);
	snprintf(buf, len, "%s%s%s%sevent 0x%02x %s: %s%s%s", sid, addr, extra,
		 sid[0] || addr[0] || extra[0] ? ", " : "", ev->smmu.id, ev->type, ev->reason, acc,
		 cut);
}

static void riscv_text(const struct klog_event *ev, char *buf, size_t len)
{
	char addr[48], val2[40] = "";

	if (ev->has_addr)
		snprintf(addr, sizeof(addr), "IOVA 0x%llx", (unsigned long long)ev->addr);
	else
		snprintf(addr, sizeof(addr), "iotval 0x%llx", (unsigned long long)ev->riscv.iotval);
	if (ev->riscv.iotval2)
		snprintf(val2, sizeof(val2), ", iotval2 0x%llx",
			 (unsigned long long)ev->riscv.iotval2);
	snprintf(buf, len, "device ID 0x%x, %s%s, cause %u %s: %s", ev->riscv.devid, addr, val2,
		 ev->riscv.cause, ev->type, ev->reason);
}

void klog_event_text(const struct klog_event *ev, char *buf, size_t len)
{
	switch (ev->src) {
	case KLOG_DMAR:
		dmar_text(ev, buf, len);
		break;
	case KLOG_AMD:
		amd_text(ev, buf, len);
		break;
	case KLOG_SMMU:
		smmu_text(ev, buf, len);
		break;
	case KLOG_RISCV:
		riscv_text(ev, buf, len);
		break;
	}
}

/* ---- JSON ---- */

static void opt_hex(struct out *o, const char *key, bool has, uint64_t v)
{
	if (has)
		out_hex(o, key, NULL, v);
	else
		out_null(o, key, NULL);
}

static void opt_u64(struct out *o, const char *key, bool has, uint64_t v)
{
	if (has)
		out_u64(o, key, NULL, v);
	else
		out_null(o, key, NULL);
}

static void emit_amd(struct out *o, const struct klog_event *ev)
{
	struct strv names = { 0 };
	const char *name;

	if (ev->amd.has_domain)
		out_u64(o, "domain", NULL, ev->amd.domain);
	if (!ev->amd.has_flags)
		return;
	out_hex(o, "flags", NULL, ev->amd.flags);
	if (strcmp(ev->type, "IO_PAGE_FAULT"))
		return;
	for (unsigned int bit = 0; (name = klog_amd_flag_name(bit)); bit++)
		if (ev->amd.flags & (1u << bit))
			strv_push(&names, name);
	out_strv(o, "flag_names", NULL, &names);
	strv_free(&names);
}

static void emit_smmu(struct out *o, const struct klog_event *ev)
{
	char buf[24];

	out_str(o, "smmu", NULL, ev->smmu.name[0] ? ev->smmu.name : NULL);
	out_u64(o, "event_id", NULL, ev->smmu.id);
	opt_u64(o, "stream_id", ev->smmu.has_sid, ev->smmu.sid);
	if (ev->smmu.has_ipa)
		out_hex(o, "ipa", NULL, ev->smmu.ipa);
	if (ev->smmu.has_fetch)
		out_hex(o, "fetch_address", NULL, ev->smmu.fetch);
	out_list_begin(o, "words", NULL);
	for (unsigned int i = 0; i < ev->smmu.nwords; i++) {
		*decode_put_hex(buf, ev->smmu.words[i], 16) = '\0';
		out_str(o, NULL, NULL, buf);
	}
	out_list_end(o);
	out_bool(o, "complete", NULL, ev->smmu.complete);
}

static void emit_riscv(struct out *o, const struct klog_event *ev)
{
	out_str(o, "iommu", NULL, ev->riscv.name[0] ? ev->riscv.name : NULL);
	out_u64(o, "cause", NULL, ev->riscv.cause);
	out_u64(o, "device_id", NULL, ev->riscv.devid);
	out_hex(o, "iotval", NULL, ev->riscv.iotval);
	out_hex(o, "iotval2", NULL, ev->riscv.iotval2);
}

static void emit_event(struct out *o, const struct klog_event *ev, const char *text)
{
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "line", NULL, ev->line);
	out_str(o, "source", NULL, klog_source_name(ev->src));
	out_str(o, "event", NULL, ev->type);
	out_str(o, "device", NULL, ev->device[0] ? ev->device : NULL);
	opt_hex(o, "fault_address", ev->has_addr, ev->addr);
	out_str(o, "access", NULL, ev->access);
	out_str(o, "reason", NULL, ev->reason[0] ? ev->reason : NULL);
	opt_u64(o, "pasid_number", ev->has_pasid, ev->pasid);
	switch (ev->src) {
	case KLOG_DMAR:
		opt_u64(o, "fault_reason", ev->dmar.has_code, ev->dmar.code);
		if (ev->dmar.intr)
			opt_u64(o, "index", ev->has_addr, ev->addr);
		break;
	case KLOG_AMD:
		emit_amd(o, ev);
		break;
	case KLOG_SMMU:
		emit_smmu(o, ev);
		break;
	case KLOG_RISCV:
		emit_riscv(o, ev);
		break;
	}
	out_str(o, "text", NULL, text);
	out_obj_end(o);
}

/* ---- the log ---- */

void klog_out_begin(struct klog_out *ko, struct out *o)
{
	ko->o = o;
	if (out_is_json(o))
		out_list_begin(o, NULL, NULL);
	else
		decode_buf_init(&ko->buf, o, 1 << 16);
}

void klog_out_line(struct klog_out *ko, const char *line, size_t len)
{
	if (out_is_json(ko->o))
		return;
	memcpy(decode_buf_reserve(&ko->buf, len), line, len);
	ko->buf.len += len;
}

void klog_out_event(struct klog_out *ko, const struct klog_event *ev)
{
	char text[512];

	klog_event_text(ev, text, sizeof(text));
	if (out_is_json(ko->o)) {
		emit_event(ko->o, ev, text);
		return;
	}
	decode_buf_puts(&ko->buf, KLOG_OUT_PREFIX);
	decode_buf_puts(&ko->buf, text);
	decode_buf_puts(&ko->buf, "\n");
}

int klog_out_end(struct klog_out *ko)
{
	if (!out_is_json(ko->o))
		return decode_buf_release(&ko->buf);
	out_list_end(ko->o);
	return out_flush(ko->o);
}
