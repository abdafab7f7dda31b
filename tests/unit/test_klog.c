/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel-log fault reports (src/decode/klog.c) on real lines: the printk
 * formats of intel/dmar.c (current, earlier and two-line), amd/iommu.c,
 * arm-smmu-v3.c and riscv/iommu.c filled in as the kernel prints them, the
 * boot logs of tests/fixtures (no report in them) and the golden kernel
 * log; and lines cut short or malformed, which must not pass for a whole
 * report. Run from the top of the repository (tests/run-all.sh does).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode/decode.h"
#include "decode/klog.h"
#include "output/klog_out.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static struct klog_event parse_ok(const char *line)
{
	struct klog_event ev;
	int err = klog_parse_line(line, &ev);

	if (err)
		fail_msg("not a whole report (%d): %s", err, line);
	return ev;
}

static void assert_not_report(const char *line)
{
	struct klog_event ev;
	int err = klog_parse_line(line, &ev);

	if (err != -ENOMSG)
		fail_msg("taken for a report (%d): %s", err, line);
}

/* Feed lines to a fresh parser; every report, in order, with where it was placed. */
struct fed {
	struct klog_event ev[16];
	int after_line[16];        /* the report was placed after this line (0: before line 1) */
	int n;
};

static void feed(const char *const *lines, size_t n, struct fed *out)
{
	struct klog_parser p;
	struct klog_event done[2], ev;
	int before, k;

	memset(out, 0, sizeof(*out));
	klog_parser_init(&p);
	for (size_t i = 0; i < n; i++) {
		k = klog_feed(&p, lines[i], done, &before);
		assert_in_range(k, 0, 2);
		assert_in_range(before, 0, k);
		for (int j = 0; j < k; j++) {
			assert_true(out->n < (int)N_ELEM(out->ev));
			out->ev[out->n] = done[j];
			out->after_line[out->n++] = j < before ? (int)i : (int)i + 1;
		}
	}
	if (klog_finish(&p, &ev)) {
		out->ev[out->n] = ev;
		out->after_line[out->n++] = (int)n;
	}
	assert_int_equal(klog_finish(&p, &ev), 0);
}

static void assert_text(const struct klog_event *ev, const char *want)
{
	char text[512];

	klog_event_text(ev, text, sizeof(text));
	assert_string_equal(text, want);
}

/* ---- VT-d ---- */

static void test_dmar_current(void **state)
{
	struct klog_event ev;

	/* "[%s NO_PASID] Request device [%02x:%02x.%d] fault addr 0x%llx [fault reason 0x%02x] %s" */
	ev = parse_ok("[  112.401240] DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0xfffff000 [fault reason 0x06] PTE Read access is not set\n");
	assert_int_equal(ev.src, KLOG_DMAR);
	assert_string_equal(ev.type, "DMA Read");
	assert_string_equal(ev.device, "00:03.0");
	assert_true(ev.has_addr);
	assert_int_equal(ev.addr, 0xfffff000);
	assert_string_equal(ev.access, "read");
	assert_false(ev.has_pasid);
	assert_true(ev.dmar.has_code);
	assert_int_equal(ev.dmar.code, 6);
	assert_false(ev.dmar.intr);
	assert_string_equal(ev.reason, decode_vtd_fault_reason(6));
	assert_text(&ev, "device 00:03.0, IOVA 0xfffff000, DMA read, reason 0x06: "
			 "read from a page without read permission");

	/* "[%s PASID 0x%x] Request device ..." */
	ev = parse_ok("DMAR: [DMA Write PASID 0x2] Request device [3b:00.1] fault addr 0x7f1234560000 [fault reason 0x05] PTE Write access is not set");
	assert_string_equal(ev.type, "DMA Write");
	assert_string_equal(ev.access, "write");
	assert_true(ev.has_pasid);
	assert_int_equal(ev.pasid, 2);
	assert_int_equal(ev.addr, 0x7f1234560000);
	assert_int_equal(ev.dmar.code, 5);

	/* "[INTR-REMAP] Request device [%02x:%02x.%d] fault index 0x%llx [fault reason 0x%02x] %s" */
	ev = parse_ok("DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 0x1a [fault reason 0x25] Blocked a compatibility format interrupt request");
	assert_true(ev.dmar.intr);
	assert_string_equal(ev.type, "INTR-REMAP");
	assert_string_equal(ev.access, "interrupt");
	assert_int_equal(ev.addr, 0x1a);
	assert_int_equal(ev.dmar.code, 0x25);
	assert_text(&ev, "device f0:1f.0, interrupt remapping table index 0x1a, reason 0x25: "
			 "compatibility-format interrupt blocked");
}

static void test_dmar_earlier(void **state)
{
	struct klog_event ev;

	/* "[%s] Request device [%02x:%02x.%d] PASID %x fault addr %llx [fault reason %02d] %s", pasid -1 */
	ev = parse_ok("[   45.100001] DMAR: [DMA Read] Request device [00:1f.2] PASID ffffffff fault addr 7b5f0000 [fault reason 06] PTE Read access is not set");
	assert_false(ev.has_pasid);
	assert_int_equal(ev.addr, 0x7b5f0000);
	assert_int_equal(ev.dmar.code, 6);
	ev = parse_ok("DMAR: [DMA Write] Request device [00:1f.2] PASID 5 fault addr 7b5f0000 [fault reason 05] PTE Write access is not set");
	assert_true(ev.has_pasid);
	assert_int_equal(ev.pasid, 5);
	/* the reason is decimal: "12" is 0x0c */
	ev = parse_ok("DMAR: [DMA Write] Request device [01:00.0] fault addr 6df084000 [fault reason 12] non-zero reserved fields in PTE");
	assert_int_equal(ev.dmar.code, 12);
	assert_int_equal(ev.addr, 0x6df084000);
	ev = parse_ok("DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 1a [fault reason 37] Blocked a compatibility format interrupt request");
	assert_int_equal(ev.dmar.code, 0x25);
	assert_int_equal(ev.addr, 0x1a);
}

static void test_dmar_kernel_wording(void **state)
{
	struct klog_event ev;

	/* a code this tool's table lacks: the kernel's own text, marked as such */
	assert_null(decode_vtd_fault_reason(0xff));
	ev = parse_ok("DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x0 [fault reason 0xff] Unknown");
	assert_int_equal(ev.dmar.code, 0xff);
	assert_string_equal(ev.reason, "Unknown (kernel's wording)");
}

static void test_dmar_two_lines(void **state)
{
	static const char *const log[] = {
		"[    9.123456] DMAR:[DMA Write] Request device [00:02.0] fault addr 6df084000 \n",
		"[    9.123459] DMAR:[fault reason 05] PTE Write access is not set\n",
		"[    9.200000] INTR-REMAP: Request device [[f0:1f.0] fault index 1a\n",
		"[    9.200001] INTR-REMAP:[fault reason 37] Blocked a compatibility format interrupt request\n",
	};
	struct klog_event ev;
	struct fed f;

	assert_int_equal(klog_parse_line(log[0], &ev), -EAGAIN);
	assert_int_equal(klog_parse_line(log[2], &ev), -EAGAIN);
	/* a reason line alone is no report */
	assert_not_report(log[1]);
	assert_not_report(log[3]);

	feed(log, N_ELEM(log), &f);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.after_line[0], 2);
	assert_int_equal(f.ev[0].line, 1);
	assert_string_equal(f.ev[0].device, "00:02.0");
	assert_int_equal(f.ev[0].addr, 0x6df084000);
	assert_true(f.ev[0].dmar.has_code);
	assert_int_equal(f.ev[0].dmar.code, 5);
	assert_int_equal(f.after_line[1], 4);
	assert_int_equal(f.ev[1].line, 3);
	assert_true(f.ev[1].dmar.intr);
	assert_string_equal(f.ev[1].device, "f0:1f.0");
	assert_int_equal(f.ev[1].addr, 0x1a);
	assert_int_equal(f.ev[1].dmar.code, 0x25);
}

static void test_dmar_cut_short(void **state)
{
	/* the first report never gets its reason; the second is whole */
	static const char *const log[] = {
		"DMAR:[DMA Read] Request device [00:04.0] fault addr 7f000 \n",
		"DMAR: [DMA Write NO_PASID] Request device [00:05.0] fault addr 0x1000 [fault reason 0x05] PTE Write access is not set\n",
		"DMAR: [DMA Read NO_PASID] Request device [00:06.0] fault addr 0x2000 [fault rea\n",
	};
	struct klog_event ev;
	struct fed f;

	feed(log, N_ELEM(log), &f);
	assert_int_equal(f.n, 3);
	/* placed above the line that shows it ended, without a reason */
	assert_int_equal(f.after_line[0], 1);
	assert_string_equal(f.ev[0].device, "00:04.0");
	assert_false(f.ev[0].dmar.has_code);
	assert_text(&f.ev[0], "device 00:04.0, IOVA 0x7f000, DMA read, reason not in the log");
	/* the next report keeps its own reason */
	assert_int_equal(f.after_line[1], 2);
	assert_string_equal(f.ev[1].device, "00:05.0");
	assert_int_equal(f.ev[1].dmar.code, 5);
	/* cut inside the reason: at the end of the log, still without one */
	assert_int_equal(f.after_line[2], 3);
	assert_false(f.ev[2].dmar.has_code);

	/* cut inside the address: the digits there are not the address */
	assert_int_equal(klog_parse_line("DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x7f12", &ev),
			 -EAGAIN);
	assert_false(ev.has_addr);
	assert_text(&ev, "device 00:03.0, IOVA not in the log, DMA read, reason not in the log");
}

static void test_dmar_not_reports(void **state)
{
	static const char *const lines[] = {
		/* from tests/fixtures/vtd/dmesg.txt and vtd-sm/dmesg.txt */
		"[    0.000000] ACPI: DMAR 0x000000001FFE231B 000088 (v01 BOCHS  BXPC     00000001 BXPC 00000001)",
		"[    0.000000] DMAR: IOMMU enabled",
		"[    0.008000] DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap d2008c22260286 ecap f00f4a",
		"[    0.012000] DMAR-IR: IOAPIC id 0 under DRHD base  0xfed90000 IOMMU 0",
		"[  112.401233] DMAR: DRHD: handling fault status reg 2",
		/* malformed or cut short before the device is known */
		"DMAR: [DMA Read NO_PASID] Request device [00:03.0",
		"DMAR: [DMA Read NO_PASID] Request dev",
		"DMAR: [DMA Read NO_PASID",
		"DMAR: [DMA Read NO_PASID] Request device [] fault addr 0x1000 [fault reason 0x06] x",
		"DMAR: [Firmware Bug]: Request device [00:03.0] fault addr 0x0",
		"DMAR: [DMA Read NO_PASID] Request device [000000000000000000000000000000000000000000000000] fault addr 0x0",
		"INTR-REMAP: Request device [[f0:1f.0",
		"INTR-REMAP: Request device [[f0:1f.0] fault index",
		"",
	};
	struct klog_event ev;

	for (size_t i = 0; i < N_ELEM(lines); i++)
		assert_not_report(lines[i]);
	/* a reason code wider than the 8-bit field is not one */
	assert_int_equal(klog_parse_line("DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x1000 [fault reason 0x1ff] x", &ev),
			 -EAGAIN);
	assert_false(ev.dmar.has_code);
}

/* ---- AMD-Vi ---- */

static void test_amd_page_fault(void **state)
{
	struct klog_event ev;

	/* pr_err_ratelimited("Event logged [IO_PAGE_FAULT device=%04x:%02x:%02x.%x domain=0x%04x address=0x%llx flags=0x%04x]") */
	ev = parse_ok("[  301.556021] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x000b address=0xfffff000 flags=0x0020]\n");
	assert_int_equal(ev.src, KLOG_AMD);
	assert_string_equal(ev.type, "IO_PAGE_FAULT");
	assert_string_equal(ev.device, "0000:00:03.0");
	assert_true(ev.amd.has_domain);
	assert_int_equal(ev.amd.domain, 0xb);
	assert_int_equal(ev.addr, 0xfffff000);
	assert_int_equal(ev.amd.flags, 0x20);
	assert_string_equal(ev.access, "write");
	assert_string_equal(ev.reason, "page-table entry not present");
	assert_text(&ev, "device 0000:00:03.0, domain 0x000b, IOVA 0xfffff000, IO_PAGE_FAULT "
			 "flags 0x0020: write, page-table entry not present");

	/* pci_err(pdev, "Event logged [IO_PAGE_FAULT domain=...]"): the device in front */
	ev = parse_ok("[  301.556200] xhci_hcd 0000:47:00.1: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0032 address=0xfffffff00f80 flags=0x0050]");
	assert_string_equal(ev.device, "0000:47:00.1");
	assert_string_equal(ev.access, "read");
	assert_string_equal(ev.reason, "access not permitted by the page-table entry");

	/* older kernels: device=%02x:%02x.%x; I set: an interrupt request */
	ev = parse_ok("AMD-Vi: Event logged [IO_PAGE_FAULT device=0a:00.0 domain=0x001d address=0x000000000637c000 flags=0x0008]");
	assert_string_equal(ev.device, "0a:00.0");
	assert_string_equal(ev.access, "interrupt");
	assert_string_equal(ev.reason, "interrupt remapping entry not present");

	/* NX, US, GN, TR: what the access was */
	ev = parse_ok("AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x0001 address=0x1000 flags=0x0157]");
	assert_string_equal(ev.access, "read");
	assert_string_equal(ev.detail, "execute, user, with PASID (guest), ATS translation request");
	assert_string_equal(ev.reason, "access not permitted by the page-table entry");
	ev = parse_ok("AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x0001 address=0x1000 flags=0x00b0]");
	assert_string_equal(ev.reason, "reserved bits set or an invalid level in a table entry");
}

static void test_amd_other_events(void **state)
{
	struct klog_event ev;

	ev = parse_ok("[  301.556400] iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:00:14.0 pasid=0x00000 address=0xfffffffdf8000000 flags=0x0a00]");
	assert_string_equal(ev.type, "ILLEGAL_DEV_TABLE_ENTRY");
	assert_string_equal(ev.device, "0000:00:14.0");
	assert_true(ev.has_pasid);
	assert_int_equal(ev.pasid, 0);
	assert_null(ev.access);
	assert_string_equal(ev.reason, "the device table entry is invalid (reserved bits or bad settings)");

	/* no device: "ivhd0" in front is the IOMMU, not a PCI device */
	ev = parse_ok("iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_COMMAND_ERROR address=0x00000001000a0000]");
	assert_string_equal(ev.device, "");
	assert_int_equal(ev.addr, 0x1000a0000);
	assert_text(&ev, "device unknown, address 0x1000a0000, ILLEGAL_COMMAND_ERROR: "
			 "the IOMMU rejected a command in the command buffer");

	/* comma-separated pairs; flags_rmp is not flags */
	ev = parse_ok("AMD-Vi: Event logged [RMP_PAGE_FAULT device=0000:00:03.0, vmg_tag=0x0001, gpa=0x12345000, flags_rmp=0x0001, flags=0x0020]");
	assert_string_equal(ev.device, "0000:00:03.0");
	assert_int_equal(ev.addr, 0x12345000);
	assert_int_equal(ev.amd.flags, 0x20);
	assert_string_equal(ev.reason, "SEV-SNP reverse map table check failed");
	ev = parse_ok("AMD-Vi: Event logged [RMP_HW_ERROR device=0000:00:03.0, vmg_tag=0x0001, spa=0x55550000, flags=0x0000]");
	assert_int_equal(ev.addr, 0x55550000);

	ev = parse_ok("iommu ivhd0: AMD-Vi: Event logged [UNKNOWN event[0]=0x00000000 event[1]=0xf0000000 event[2]=0x00000000 event[3]=0x00000000");
	assert_string_equal(ev.type, "UNKNOWN");
	assert_string_equal(ev.reason, "event not known to iommuctl");
}

static void test_amd_cut_short(void **state)
{
	struct klog_event ev;

	/* cut inside a value: the value is not taken */
	ev = parse_ok("AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x000b address=0xfff");
	assert_false(ev.has_addr);
	assert_false(ev.amd.has_flags);
	assert_string_equal(ev.reason, "flags not in the log");
	ev = parse_ok("AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x000b address=0xfffff000 flags=0x00\n");
	assert_true(ev.has_addr);
	assert_false(ev.amd.has_flags);
	assert_null(ev.access);

	/* from tests/fixtures/amd/dmesg.txt, and brackets with no event */
	assert_not_report("[    0.008000] AMD-Vi: Using global IVHD EFR:0x0, EFR2:0x0");
	assert_not_report("[    1.363256] AMD-Vi: Extended features (0x29d3, 0x0): PreF PPR GT IA GA HE");
	assert_not_report("[    1.363611] AMD-Vi: Interrupt remapping enabled");
	assert_not_report("AMD-Vi: Event logged [");
	assert_not_report("AMD-Vi: Event logged []");
	assert_not_report("AMD-Vi: Event logged [ IO_PAGE_FAULT]");
}

/* ---- Arm SMMUv3 ---- */

static void test_smmu_records(void **state)
{
	/* dev_err(smmu->dev, "event 0x%02x received:\n"), then "\t0x%016llx\n" for each word */
	static const char *const log[] = {
		"[  501.000001] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:\n",
		"[  501.000002] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000800000010\n",
		"[  501.000003] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000020800000000\n",
		"[  501.000004] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x00000000fffff000\n",
		"[  501.000005] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000\n",
		"[  501.000006] arm-smmu-v3 arm-smmu-v3.0.auto: event: F_TRANSLATION client: 0000:00:01.0 sid: 0x8 ssid: 0x0 iova: 0xfffff000 ipa: 0x0\n",
		"[  502.000001] arm-smmu-v3 9050000.smmuv3: event 0x13 received:\n",
		"[  502.000002] arm-smmu-v3 9050000.smmuv3: \t0x0000010000001813\n",
		"[  502.000003] arm-smmu-v3 9050000.smmuv3: \t0x0000028280000003\n",
		"[  502.000004] arm-smmu-v3 9050000.smmuv3: \t0x0000ffff80001000\n",
		"[  502.000005] arm-smmu-v3 9050000.smmuv3: \t0x00000000c0001000\n",
		"[  504.000001] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x09 received:\n",
		"[  504.000002] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000400000009\n",
		"[  504.000003] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000\n",
		"[  504.000004] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000\n",
		"[  504.000005] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000081234560\n",
	};
	struct fed f;

	feed(log, N_ELEM(log), &f);
	assert_int_equal(f.n, 3);

	assert_int_equal(f.after_line[0], 5);
	assert_int_equal(f.ev[0].line, 1);
	assert_int_equal(f.ev[0].src, KLOG_SMMU);
	assert_string_equal(f.ev[0].smmu.name, "arm-smmu-v3.0.auto");
	assert_true(f.ev[0].smmu.complete);
	assert_int_equal(f.ev[0].smmu.id, 0x10);
	assert_string_equal(f.ev[0].type, "F_TRANSLATION");
	assert_int_equal(f.ev[0].smmu.sid, 8);
	assert_false(f.ev[0].has_pasid);
	assert_int_equal(f.ev[0].addr, 0xfffff000);
	assert_string_equal(f.ev[0].access, "read");
	assert_false(f.ev[0].smmu.s2);
	assert_false(f.ev[0].smmu.has_ipa);
	assert_text(&f.ev[0], "StreamID 0x8, IOVA 0xfffff000, event 0x10 F_TRANSLATION: translation "
			      "fault: no valid mapping for the address (read, data, unprivileged, "
			      "stage 1, class input address)");

	/* SubstreamID valid, stage 2 (IPA in word 3), privileged write, stalled */
	assert_int_equal(f.after_line[1], 11);
	assert_string_equal(f.ev[1].smmu.name, "9050000.smmuv3");
	assert_string_equal(f.ev[1].type, "F_PERMISSION");
	assert_int_equal(f.ev[1].smmu.sid, 0x100);
	assert_true(f.ev[1].has_pasid);
	assert_int_equal(f.ev[1].pasid, 1);
	assert_string_equal(f.ev[1].access, "write");
	assert_true(f.ev[1].smmu.priv);
	assert_true(f.ev[1].smmu.s2);
	assert_true(f.ev[1].smmu.stall);
	assert_true(f.ev[1].smmu.has_ipa);
	assert_int_equal(f.ev[1].smmu.ipa, 0xc0001000);
	assert_string_equal(f.ev[1].smmu.class_name, "input address");

	/* a fetch abort: the fetch address, no IOVA, no access */
	assert_string_equal(f.ev[2].type, "F_CD_FETCH");
	assert_true(f.ev[2].smmu.has_fetch);
	assert_int_equal(f.ev[2].smmu.fetch, 0x81234560);
	assert_false(f.ev[2].has_addr);
	assert_false(f.ev[2].smmu.has_access);
	assert_int_equal(f.ev[2].smmu.nwords, 4);
	assert_int_equal(f.ev[2].smmu.words[3], 0x81234560);
}

static void test_smmu_cut_short(void **state)
{
	static const char *const log[] = {
		"[  801.000001] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:\n",
		"[  801.000002] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000800000010\n",
		"[  801.000003] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000020800000000\n",
		/* a word cut short is no word: the record ends above it */
		"[  801.000004] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x00000000ffff\n",
		"[  802.000001] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x13 received:\n",
	};
	struct fed f;

	feed(log, N_ELEM(log), &f);
	assert_int_equal(f.n, 2);

	assert_int_equal(f.after_line[0], 3);
	assert_false(f.ev[0].smmu.complete);
	assert_int_equal(f.ev[0].smmu.nwords, 2);
	assert_string_equal(f.ev[0].type, "F_TRANSLATION");
	assert_true(f.ev[0].smmu.has_sid);
	assert_true(f.ev[0].smmu.has_access);
	/* the IOVA is in the missing word 2: unknown, not zero */
	assert_false(f.ev[0].has_addr);
	assert_text(&f.ev[0], "incomplete event record (2 of 4 words): StreamID 0x8, event 0x10 "
			      "F_TRANSLATION: translation fault: no valid mapping for the address "
			      "(read, data, unprivileged, stage 1, class input address)");

	/* the header alone, at the end of the log: the number from the header line */
	assert_int_equal(f.after_line[1], 5);
	assert_int_equal(f.ev[1].line, 5);
	assert_false(f.ev[1].smmu.complete);
	assert_int_equal(f.ev[1].smmu.nwords, 0);
	assert_int_equal(f.ev[1].smmu.id, 0x13);
	assert_string_equal(f.ev[1].type, "F_PERMISSION");
	assert_false(f.ev[1].smmu.has_sid);
	assert_false(f.ev[1].smmu.has_access);
	assert_null(f.ev[1].access);
	assert_text(&f.ev[1], "incomplete event record (0 of 4 words): event 0x13 F_PERMISSION: "
			      "permission fault: the mapping does not allow this access");
}

/*
 * A word wider than 64 bits is no word of the record (it is not read as
 * its low bits, nor as zero): the record ends above it, incomplete, and
 * says only what the words before it say.
 */
static void test_smmu_wide_word(void **state)
{
	static const char *const log[] = {
		"[  901.000001] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:\n",
		"[  901.000002] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000800000010\n",
		"[  901.000003] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x10000020800000000\n",
		"[  901.000004] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x00000000fffff000\n",
		"[  901.000005] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000000000000\n",
		"[  902.000001] arm-smmu-v3 arm-smmu-v3.0.auto: event 0x13 received:\n",
		"[  902.000002] arm-smmu-v3 arm-smmu-v3.0.auto: \t0x000000000000010000001813\n",
	};
	struct fed f;

	feed(log, N_ELEM(log), &f);
	assert_int_equal(f.n, 2);

	assert_int_equal(f.after_line[0], 2);
	assert_false(f.ev[0].smmu.complete);
	assert_int_equal(f.ev[0].smmu.nwords, 1);
	assert_true(f.ev[0].smmu.has_sid);
	assert_int_equal(f.ev[0].smmu.sid, 8);
	assert_false(f.ev[0].smmu.has_access);
	assert_null(f.ev[0].access);
	assert_false(f.ev[0].has_addr);
	assert_text(&f.ev[0], "incomplete event record (1 of 4 words): StreamID 0x8, event 0x10 "
			      "F_TRANSLATION: translation fault: no valid mapping for the address");

	/* the first word too wide: nothing but the header's event number */
	assert_int_equal(f.after_line[1], 6);
	assert_false(f.ev[1].smmu.complete);
	assert_int_equal(f.ev[1].smmu.nwords, 0);
	assert_int_equal(f.ev[1].smmu.id, 0x13);
	assert_false(f.ev[1].smmu.has_sid);
	assert_text(&f.ev[1], "incomplete event record (0 of 4 words): event 0x13 F_PERMISSION: "
			      "permission fault: the mapping does not allow this access");
}

static void test_smmu_not_records(void **state)
{
	static const char *const words[] = {
		"arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000800000010\n",
	};
	struct fed f;

	/* from tests/fixtures/arm64-smmuv3/dmesg.txt */
	assert_not_report("[    1.016144] arm-smmu-v3 9050000.smmuv3: ias 44-bit, oas 44-bit (features 0x00008305)");
	assert_not_report("[    1.029356] arm-smmu-v3 9050000.smmuv3: allocated 32768 entries for evtq");
	/* a header that is not an SMMU's, a number wider than the 8-bit field, a cut header */
	assert_not_report("mydriver foo: event 0x10 received:");
	assert_not_report("arm-smmu-v3 arm-smmu-v3.0.auto: event 0x100 received:");
	assert_not_report("arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 rece");
	assert_not_report("arm-smmu-v3 arm-smmu-v3.0.auto: event 0x");
	/* a record word with no header before it is just a line */
	feed(words, N_ELEM(words), &f);
	assert_int_equal(f.n, 0);
}

/* ---- RISC-V IOMMU ---- */

static void test_riscv(void **state)
{
	struct klog_event ev;

	/* dev_warn_ratelimited(dev, "Fault %d devid: 0x%x iotval: %llx iotval2: %llx\n") */
	ev = parse_ok("[  701.000001] riscv,iommu 3010000.iommu: Fault 13 devid: 0x18 iotval: 80001000 iotval2: 0\n");
	assert_int_equal(ev.src, KLOG_RISCV);
	assert_string_equal(ev.riscv.name, "3010000.iommu");
	assert_int_equal(ev.riscv.cause, 13);
	assert_int_equal(ev.riscv.devid, 0x18);
	assert_true(ev.has_addr);
	assert_int_equal(ev.addr, 0x80001000);
	assert_string_equal(ev.type, "Read page fault");
	assert_string_equal(ev.access, "read");
	assert_text(&ev, "device ID 0x18, IOVA 0x80001000, cause 13 Read page fault: first-stage "
			 "page fault on a read: no valid mapping or no read permission");

	ev = parse_ok("riscv,iommu 3010000.iommu: Fault 23 devid: 0x18 iotval: 80002000 iotval2: 20000800");
	assert_string_equal(ev.access, "write");
	assert_int_equal(ev.riscv.iotval2, 0x20000800);
	ev = parse_ok("riscv,iommu 3010000.iommu: Fault 12 devid: 0x18 iotval: 80002000 iotval2: 0");
	assert_string_equal(ev.detail, "execute");

	/* not about the transaction: iotval is no IOVA */
	ev = parse_ok("riscv,iommu 3010000.iommu: Fault 258 devid: 0x30 iotval: 0 iotval2: 0");
	assert_false(ev.has_addr);
	assert_null(ev.access);
	assert_string_equal(ev.type, "DDT entry not valid");
	ev = parse_ok("riscv,iommu 3010000.iommu: Fault 999 devid: 0x30 iotval: 0 iotval2: 0");
	assert_string_equal(ev.type, "cause 999");
	assert_string_equal(ev.reason, "cause not known to iommuctl");

	/* cut short or malformed */
	assert_not_report("riscv,iommu 3010000.iommu: Fault 13 devid: 0x18 iotval: 80001000");
	assert_not_report("riscv,iommu 3010000.iommu: Fault 13 devid: 0x18 iotval: 80001000 iotval2:");
	assert_not_report("riscv,iommu 3010000.iommu: Fault 13 devid: 0x18");
	assert_not_report("riscv,iommu 3010000.iommu: Fault devid: 0x18 iotval: 0 iotval2: 0");
	assert_not_report("riscv,iommu 3010000.iommu: Fault 13 devid: 0x1000000 iotval: 0 iotval2: 0");
	assert_not_report("riscv,iommu 3010000.iommu: Fault 5000 devid: 0x1 iotval: 0 iotval2: 0");
	assert_not_report("riscv,iommu 3010000.iommu: Fault 13 devid: 0x18 iotval: 0 iotval2: 0xyz");
}

/* ---- whole logs ---- */

/* Every line of a file through a parser: how many reports. */
static int count_reports(const char *path)
{
	struct klog_parser p;
	struct klog_event done[2], ev;
	char *line = NULL;
	size_t cap = 0;
	int n = 0, before;
	FILE *f = fopen(path, "r");

	if (!f)
		fail_msg("%s: %s (run from the top of the repository)", path, strerror(errno));
	klog_parser_init(&p);
	while (getline(&line, &cap, f) >= 0)
		n += klog_feed(&p, line, done, &before);
	n += klog_finish(&p, &ev);
	free(line);
	fclose(f);
	return n;
}

static void test_fixture_logs(void **state)
{
	static const char *const boots[] = {
		"tests/fixtures/amd/dmesg.txt",
		"tests/fixtures/arm64-smmuv3/dmesg.txt",
		"tests/fixtures/arm64-smmuv3-16k/dmesg.txt",
		"tests/fixtures/powernv/dmesg.txt",
		"tests/fixtures/virtio/dmesg.txt",
		"tests/fixtures/vtd/dmesg.txt",
		"tests/fixtures/vtd-sm/dmesg.txt",
	};

	/* healthy boots: many DMAR, AMD-Vi and SMMU lines, no fault report */
	for (size_t i = 0; i < N_ELEM(boots); i++)
		if (count_reports(boots[i]))
			fail_msg("%s: a boot log without faults gave reports", boots[i]);
	/* the golden log: one report per annotation of tests/cli/golden-decode/log.txt */
	assert_int_equal(count_reports("tests/cli/golden-decode/input/kernel.log"), 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmar_current),
		cmocka_unit_test(test_dmar_earlier),
		cmocka_unit_test(test_dmar_kernel_wording),
		cmocka_unit_test(test_dmar_two_lines),
		cmocka_unit_test(test_dmar_cut_short),
		cmocka_unit_test(test_dmar_not_reports),
		cmocka_unit_test(test_amd_page_fault),
		cmocka_unit_test(test_amd_other_events),
		cmocka_unit_test(test_amd_cut_short),
		cmocka_unit_test(test_smmu_records),
		cmocka_unit_test(test_smmu_cut_short),
		cmocka_unit_test(test_smmu_wide_word),
		cmocka_unit_test(test_smmu_not_records),
		cmocka_unit_test(test_riscv),
		cmocka_unit_test(test_fixture_logs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
