#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# doctor on real kernels: boots four QEMU guests of tests/vm with BINARY
# inside and runs tests/vm/guest/doctor.sh there (doctor in text and JSON, as
# root and as an unprivileged user, then snapshot save): noiommu (no IOMMU
# device: not ready, exit 1, the firmware and interrupt-remapping failures
# with their fixes), vtd-off (a DMAR table, intel_iommu=off: not ready, the
# cause named), vtd-pt (VT-d with iommu=pt: ready, the passthrough
# domain type a warning with its fix) and vtd (VT-d on: ready, the edu
# device's group viable with its /dev/vfio node, which the user cannot open).
# Then doctor on each guest's snapshot, on the host, must give every check the
# guest gave it, except the live-only ones (unknown there). Prints one line per
# check and ends with "N passed, M failed, K skipped"; skips as the other
# test-vm-*.sh do (IOMMUCTL_VM_SKIP=1, no QEMU).
#   tests/cli/test-vm-doctor.sh [BINARY]      (default ./iommuctl)
# Environment: IOMMUCTL_VM_DOCTOR_SCENARIOS (default "noiommu vtd-off vtd-pt vtd";
# amd and virtio are checked too when named: IVRS with interrupt remapping,
# VIOT without it but with allow_unsafe_interrupts, a warning),
# KEEP=1 keeps the guests' outputs, plus the settings of tests/vm/lib.sh.
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
scenarios=${IOMMUCTL_VM_DOCTOR_SCENARIOS:-noiommu vtd-off vtd-pt vtd}
# shellcheck source=lib.sh
. tests/cli/lib.sh

stop() { echo "$pass passed, $fail failed, $skipped skipped"; [ "$fail" -eq 0 ]; exit $?; }

[ -n "${IOMMUCTL_VM_SKIP:-}" ] && { skip "live doctor tests: IOMMUCTL_VM_SKIP is set"; stop; }
[ -x "$bin" ] || { bad "no binary at $bin"; stop; }
[ "$(uname -m)" = x86_64 ] || { skip "live doctor tests: the guests are x86_64 and this is $(uname -m)"; stop; }
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
	skip "live doctor tests: qemu-system-x86_64 is missing and only root can install it (apt-get install qemu-system-x86)"
	stop
fi
why=$( (. tests/vm/lib.sh && vm_fetch_kernel) 2>&1 >/dev/null) ||
	{ skip_broken "live doctor tests: cannot prepare a guest: $(echo "$why" | grep -i error | tail -n 1)"; stop; }

out=$(mktemp -d "${TMPDIR:-/tmp}/iommuctl-vm-doctor.XXXXXX")
for scn in $scenarios; do
	dir=$out/$scn
	t0=$(date +%s.%N)
	rc=0
	(
		. tests/vm/lib.sh
		IOMMUCTL=$bin vm_run "$scn" tests/vm/guest/doctor.sh "$dir"
	) >"$out/$scn.vm.log" 2>&1 || rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	if [ "$rc" -ne 0 ] || [ ! -f "$dir/doctor-json.out" ]; then
		bad "$scn: the guest did not run (status $rc after ${secs}s):"
		sed 's/^/     /' "$out/$scn.vm.log" | tail -n 15
		KEEP=1
		continue
	fi
	# the host's doctor on the guest's snapshot
	"$bin" -F "$dir/snapshot.tar" -j doctor >"$dir/host.json" 2>"$dir/host.err"
	echo $? >"$dir/host.rc"
	"$bin" -F "$dir/snapshot.tar" doctor >"$dir/host.txt" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$scn: ${line#ok }" ;;
		"FAIL "*) bad "$scn: ${line#FAIL }"; KEEP=1 ;;
		*) echo "$line" ;;
		esac
	done < <(python3 - "$scn" "$dir" <<'PY'
import json, sys
scn, d = sys.argv[1], sys.argv[2]
def load(name):
    try:
        return json.load(open(f"{d}/{name}"))
    except Exception as e:
        print(f"FAIL {name}: not JSON: {e}")
        return None
def rc(name):
    return int(open(f"{d}/{name}.rc").read().strip())
def check(cond, what):
    print(("ok " if cond else "FAIL ") + what)
doc = load("doctor-json.out")
if doc is None:
    sys.exit(0)
by = {c["check"]: c for c in doc["checks"]}
def verdict(cid, want, evidence=None, fix=None):
    c = by.get(cid)
    if not c:
        check(False, f"{cid}: no such check")
        return
    good = c["verdict"] == want and (evidence is None or evidence in c["evidence"]) and \
        (fix is None or (c["fix"] or "").find(fix) >= 0)
    check(good, f"{cid} is {want}" + (f", evidence has '{evidence}'" if evidence else "") +
          (f", fix has '{fix}'" if fix else "") + ("" if good else f" (got {c['verdict']}: {c['evidence']} / fix: {c['fix']})"))
text = open(f"{d}/doctor.out").read()
if scn == "noiommu":
    check(rc("doctor") == 1 and rc("doctor-json") == 1, f"doctor exits 1 (problems found): {rc('doctor')}, -j {rc('doctor-json')}")
    check(doc["ready"] is False and doc["totals"]["nfail"] >= 3, "JSON: ready false, nfail >= 3")
    check("error" not in doc, "JSON: no error object for problems found")
    verdict("firmware.table", "fail", "no DMAR, IVRS, IORT or VIOT", "-device intel-iommu")
    verdict("firmware.enabled", "fail", "0 groups", "no IOMMU is described by the firmware")
    verdict("kernel.irq-remapping", "fail", "no IR- or ITS-", "allow_unsafe_interrupts=1")
    check(not any(k.startswith("group.") for k in by) and "kernel.domain-type" not in by, "no group checks and no domain type without groups")
    check("  fail    firmware describes an IOMMU" in text and "\n          fix: the firmware does not expose an IOMMU" in text, "text: the failure and its fix indented under it")
    check("summary: " in text and ": not ready" in text, "text: summary says not ready")
elif scn == "vtd-off":
    check(rc("doctor") == 1 and doc["ready"] is False, f"doctor exits 1 (problems found): {rc('doctor')}")
    verdict("firmware.table", "ok", "/sys/firmware/acpi/tables/DMAR")
    verdict("firmware.enabled", "fail", "0 groups", "the command line says intel_iommu=off: replace it with intel_iommu=on")
    verdict("kernel.cmdline", "fail", "intel_iommu=off", "remove intel_iommu=off")
    verdict("kernel.irq-remapping", "ok", "IR- interrupt chips")
elif scn == "vtd-pt":
    check(rc("doctor") == 0 and rc("doctor-json") == 0, f"doctor exits 0 (ready): {rc('doctor')}, -j {rc('doctor-json')}")
    check(doc["ready"] is True and doc["totals"]["nfail"] == 0, "JSON: ready, no failure")
    verdict("firmware.table", "ok", "/sys/firmware/acpi/tables/DMAR")
    verdict("firmware.enabled", "ok", "1 unit (dmar0)")
    verdict("kernel.cmdline", "ok", "intel_iommu=on iommu=pt")
    verdict("kernel.domain-type", "warn", "identity (passthrough)", "remove iommu=pt")
    verdict("kernel.irq-remapping", "ok", "IR- interrupt chips")
    check("  warn    default domain type" in text and "fix: identity" in text, "text: the passthrough warning and its fix")
    check(": ready, with warnings" in text, "text: ready, with warnings")
elif scn == "vtd":
    check(rc("doctor") == 0 and rc("doctor-json") == 0, f"doctor exits 0 (ready): {rc('doctor')}, -j {rc('doctor-json')}")
    check(doc["ready"] is True, "JSON: ready")
    for cid in ("firmware.table", "firmware.enabled", "kernel.cmdline", "kernel.acs-override",
                "kernel.domain-type", "kernel.irq-remapping", "kernel.noiommu-mode", "vfio.module-vfio",
                "vfio.module-vfio-pci", "vfio.backend", "vfio.container"):
        verdict(cid, "ok")
    verdict("kernel.irq-remapping", "ok", "dmar0 ecap IR=1")
    verdict("group.1", "ok", "0000:00:03.0")
    verdict("group.2", "warn", "bound to e1000e", "iommuctl group claim 2")
    verdict("vfio.devices", "ok", "/dev/vfio/1")
    verdict("vfio.access", "ok", "read-write: /dev/vfio/vfio, /dev/vfio/1")
    prob = open(f"{d}/doctor-problems.out").read()
    check("  ok " not in prob and "group 2 viable" in prob and "summary: " in prob, "--problems: only what is not ok, and the summary")
    user = load("doctor-user.out")
    if user:
        u = {c["check"]: c for c in user["checks"]}
        a = u.get("vfio.access", {})
        check(a.get("verdict") == "warn" and "denied: /dev/vfio/1" in a.get("evidence", "") and "udev rule" in (a.get("fix") or ""),
              f"as uid 65534: vfio.access warns that /dev/vfio/1 is denied, fix names a udev rule ({a.get('evidence')})")
        check(rc("doctor-user") == 0 and user["ready"] is True, "as uid 65534: ready (exit 0): the files it needs are world-readable")
        same = [k for k in by if k != "vfio.access" and u.get(k, {}).get("verdict") != by[k]["verdict"]]
        check(not same, f"as uid 65534: every other verdict as root's {same}")
elif scn == "amd":
    check(rc("doctor") == 0, f"doctor exits 0 (ready): {rc('doctor')}")
    verdict("firmware.table", "ok", "/sys/firmware/acpi/tables/IVRS")
    verdict("firmware.enabled", "ok", "1 unit (ivhd0)")
    verdict("kernel.irq-remapping", "ok", "IR- interrupt chips")
elif scn == "virtio":
    check(rc("doctor") == 0, f"doctor exits 0 (ready): {rc('doctor')}")
    verdict("firmware.table", "ok", "/sys/firmware/acpi/tables/VIOT")
    verdict("kernel.irq-remapping", "warn", "allow_unsafe_interrupts=Y", "drop allow_unsafe_interrupts")
# the guest's snapshot on the host: the same verdicts, except the live-only ones
host = load("host.json")
if host:
    hb = {c["check"]: c for c in host["checks"]}
    diff = [f"{k}: guest {c['verdict']}, host {hb.get(k, {}).get('verdict')}" for k, c in by.items()
            if not c["live_only"] and (hb.get(k, {}).get("verdict") != c["verdict"] or hb.get(k, {}).get("evidence") != c["evidence"])]
    check(not diff and set(hb) == set(by), f"snapshot on the host: every check's verdict and evidence as in the guest {diff}")
    lo = [k for k, c in hb.items() if c["live_only"] and c["verdict"] != "unknown"]
    check(not lo and any(c["live_only"] for c in hb.values()), "snapshot on the host: the live-only checks are unknown")
    check(rc("host") == rc("doctor-json"), f"snapshot on the host: the same exit status ({rc('host')})")
    check(host["origin"] == "snapshot" and doc["origin"] == "live", "origin: live in the guest, snapshot on the host")
PY
)
	echo "time $scn: ${secs}s for the boot and the checks"
done
if [ -n "${KEEP:-}" ]; then
	echo "outputs kept in $out"
else
	rm -rf "$out"
fi
stop
