#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare iommuctl's decoding of an ACPI table with ACPICA's, field for field.

usage: acpi-iasl-check.py IASL IOMMUCTL TABLE...

For each raw TABLE: `iasl -d` disassembles it (each field as
"[offset length] Name : value"), `iommuctl -j acpi show --file TABLE`
decodes it. Every field iasl prints is matched to the iommuctl record that
holds its offset (the record with the greatest offset not past it) and to
the key its name maps to (NAMES below, per record kind); the values must be
equal. Both directions count: a field iasl prints that has no key here
fails, and so does a field of iommuctl's that iasl never printed (reserved
fields and iasl's decoded bit lines aside). Prints one line per table and
every difference; exits 1 when any table differs.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

# iasl's field names (without " (decoded below)") -> iommuctl's keys, per
# record kind; None: a field iasl prints that holds nothing to compare
# (reserved bytes, a heading).
COMMON = {
    "Signature": "signature", "Table Length": "length", "Revision": "revision",
    "Checksum": "checksum", "Oem ID": "oem_id", "Oem Table ID": "oem_table_id",
    "Oem Revision": "oem_revision", "Asl Compiler ID": "asl_compiler_id",
    "Asl Compiler Revision": "asl_compiler_revision", "Reserved": None,
    "Subtable Type": "type", "Type": "type", "Length": "length", "Flags": "flags",
}
NAMES = {
    "dmar": {"Host Address Width": "host_address_width"},
    "drhd": {"Size": "size", "PCI Segment Number": "segment", "Register Base Address": "address"},
    "rmrr": {"PCI Segment Number": "segment", "Base Address": "base_address",
             "End Address (limit)": "end_address"},
    "atsr": {"PCI Segment Number": "segment"},
    "rhsa": {"Register Base Address": "base_address", "Base Address": "base_address", "Proximity Domain": "proximity_domain"},
    "andd": {"Device Number": "device_number", "Device Name": "device_name"},
    "satc": {"PCI Segment Number": "segment", "Segment Number": "segment"},
    "sidp": {"PCI Segment Number": "segment"},
    "device_scope": {"Device Scope Type": "type", "Entry Length": "length", "Enumeration ID": "enumeration_id",
                     "PCI Bus Number": "bus"},
    "path": {"PCI Path": "path"},
    "ivrs": {"Virtualization Info": "iv_info"},
    "ivhd": {"DeviceId": "device_id", "Capability Offset": "capability_offset", "Base Address": "base_address",
             "PCI Segment Group": "segment", "Virtualization Info": "info",
             "Feature Reporting": "feature_reporting", "Attributes": "attributes",
             "EFR Register Image": "efr_image", "EFR Image": "efr_image"},
    "ivmd": {"DeviceId": "device_id", "Auxiliary Data": "aux_data", "Start Address": "start_address",
             "Memory Length": "memory_length"},
    "device_entry": {"Entry Type": "type", "Device ID": "device_id", "Data Setting": "data",
                     "Source Used Device ID": "source_id", "Handle": "handle", "Variety": "variety",
                     "Extended Data": "extended_data", "ACPI HID": "hid", "ACPI CID": "cid",
                     "UID Format": "uid_type", "UID Length": "uid_length", "UID": "uid"},
    "iort": {"Node Count": "node_count", "Node Offset": "node_offset", "Optional Padding": None},
    "its_group": {"Identifier": "identifier", "Mapping Count": "mapping_count",
                  "Mapping Offset": "mapping_offset", "ItsCount": "its_count"},
    "its_id": {"Identifiers": "id"},
    "named_component": {"Identifier": "identifier", "Mapping Count": "mapping_count",
                        "Mapping Offset": "mapping_offset", "Node Flags": "node_flags",
                        "Memory Properties": None, "Cache Coherency": "cache_coherency", "Hints": "hints",
                        "Memory Flags": "memory_flags", "Memory Size Limit": "memory_address_limit",
                        "Device Name": "device_name", "Padding": None},
    "root_complex": {"Identifier": "identifier", "Mapping Count": "mapping_count",
                     "Mapping Offset": "mapping_offset", "Memory Properties": None,
                     "Cache Coherency": "cache_coherency", "Hints": "hints", "Memory Flags": "memory_flags",
                     "ATS Attribute": "ats_attribute", "PCI Segment Number": "segment",
                     "Memory Size Limit": "memory_address_limit", "PASID Capabilities": "pasid_capabilities",
                     "Flags": "flags"},
    "smmu": {"Identifier": "identifier", "Mapping Count": "mapping_count", "Mapping Offset": "mapping_offset",
             "Base Address": "base_address", "Span": "span", "Model": "model",
             "Global Interrupt Offset": "global_interrupt_offset",
             "Context Interrupt Count": "context_interrupt_count",
             "Context Interrupt Offset": "context_interrupt_offset",
             "PMU Interrupt Count": "pmu_interrupt_count", "PMU Interrupt Offset": "pmu_interrupt_offset"},
    "global_interrupts": {"NSgIrpt": "nsg_irpt", "NSgIrpt Flags": "nsg_irpt_flags",
                          "NSgCfgIrpt": "nsg_cfg_irpt", "NSgCfgIrpt Flags": "nsg_cfg_irpt_flags"},
    "context_interrupt": {"Context Interrupt": "gsiv", "Interrupt": "gsiv"},
    "pmu_interrupt": {"PMU Interrupt": "gsiv", "Interrupt": "gsiv"},
    "smmu_v3": {"Identifier": "identifier", "Mapping Count": "mapping_count", "Mapping Offset": "mapping_offset",
                "Base Address": "base_address", "VATOS Address": "vatos_address", "Model": "model",
                "Event GSIV": "event_gsiv", "PRI GSIV": "pri_gsiv", "GERR GSIV": "gerr_gsiv",
                "Sync GSIV": "sync_gsiv", "Proximity Domain": "proximity_domain",
                "Device ID Mapping Index": "id_mapping_index"},
    "pmcg": {"Identifier": "identifier", "Mapping Count": "mapping_count", "Mapping Offset": "mapping_offset",
             "Page 0 Base Address": "page0_base_address", "Overflow Interrupt GSIV": "overflow_gsiv",
             "Node Reference": "node_reference", "Page 1 Base Address": "page1_base_address"},
    "rmr": {"Identifier": "identifier", "Mapping Count": "mapping_count", "Mapping Offset": "mapping_offset",
            "Number of RMR Descriptors": "range_count", "RMR Descriptor Offset": "range_offset"},
    "range": {"Base Address of RMR": "base_address", "Length of RMR": "length"},
    "id_mapping": {"Input base": "input_base", "ID Count": "id_count", "Output Base": "output_base",
                   "Output Reference": "output_reference"},
    "viot": {"Node count": "node_count", "Node offset": "node_offset"},
    "pci_range": {"Endpoint start": "endpoint_start", "PCI Segment start": "segment_start",
                  "PCI Segment end": "segment_end", "PCI BDF start": "bdf_start", "PCI BDF end": "bdf_end",
                  "Output node": "output_node"},
    "mmio": {"Endpoint": "endpoint", "Endpoint ID": "endpoint", "Base address": "base_address", "Output node": "output_node"},
    "virtio_iommu_pci": {"PCI Segment": "segment", "PCI BDF number": "bdf"},
    "virtio_iommu_mmio": {"Base address": "base_address"},
}
# iommuctl keys that are no field of the table (or that iasl does not print)
OWN_KEYS = {"kind", "offset"}

FIELD = re.compile(r"^\[([0-9A-Fa-f]+)h ([0-9]+) +([0-9A-Fa-f]+h?)\] +(.*?) : ?(.*)$")


def iasl_fields(iasl, path):
    tmp = tempfile.mkdtemp()
    try:
        shutil.copy(path, os.path.join(tmp, "t.dat"))
        subprocess.run(iasl + ["-d", "t.dat"], cwd=tmp, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        dsl = os.path.join(tmp, "t.dsl")
        if not os.path.exists(dsl):
            raise RuntimeError("iasl -d wrote no t.dsl")
        text = open(dsl, encoding="latin-1").read()
    finally:
        shutil.rmtree(tmp)
    if "Unknown ACPI table signature" in text or "**** Unknown" in text:
        raise RuntimeError("iasl does not know this table: " +
                           next(line for line in text.splitlines() if "Unknown" in line).strip())
    out = []
    for line in text.splitlines():
        m = FIELD.match(line)
        if m:
            name = re.sub(r" \(decoded below\)$", "", m.group(4).strip())
            out.append((int(m.group(1), 16), name, m.group(5).strip()))
    return out


def records(doc):
    """Every record of iommuctl's table as (offset, kind, dict), the header at 0."""
    recs = []

    def walk(r):
        recs.append((int(r["offset"], 16), r["kind"], r["acpi_fields"]))
        for c in r.get("records", []):
            walk(c)
    walk(doc["header"])
    for r in doc.get("records", []):
        walk(r)
    recs.sort(key=lambda x: x[0])
    return recs


def num(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.startswith("0x"):
        return int(v, 16)
    return None


def compare(iasl, iommuctl, path):
    diffs = []
    fields = iasl_fields(iasl, path)
    res = subprocess.run([iommuctl, "-j", "acpi", "show", "--file", path], capture_output=True, text=True)
    if res.returncode != 0:
        return 0, ["iommuctl exited %d: %s" % (res.returncode, res.stderr.strip())]
    doc = json.loads(res.stdout)["acpi_tables"][0]
    recs = records(doc)
    seen = set()
    n = 0
    for off, name, val in fields:
        cand = [r for r in recs if r[0] <= off]
        if not cand:
            diffs.append("0x%x %s: no iommuctl record holds this offset" % (off, name))
            continue
        roff, kind, rec = cand[-1]
        names = dict(COMMON)
        names.update(NAMES.get(kind, {}))
        if name not in names:
            diffs.append("0x%x %s (%s@0x%x): a field iasl prints that this check does not map" %
                         (off, name, kind, roff))
            continue
        key = names[name]
        if key is None:
            continue
        if key == "path":
            m = re.match(r"([0-9A-Fa-f]+),([0-9A-Fa-f]+)", val)
            want = (int(m.group(1), 16), int(m.group(2), 16)) if m else None
            got = (rec.get("device"), rec.get("function"))
            got = tuple(num(x) for x in got)
            seen.add((roff, kind, "device"))
            seen.add((roff, kind, "function"))
        elif key not in rec:
            diffs.append("0x%x %s: iommuctl's %s@0x%x has no %s (iasl: %s)" % (off, name, kind, roff, key, val))
            continue
        else:
            got = rec[key]
            seen.add((roff, kind, key))
            if val.startswith('"'):
                want = val[1:val.rindex('"')] if val.count('"') >= 2 else val[1:]
                # iommuctl shows bytes that are not printable ASCII as '?'
                want = "".join(c if " " <= c < "\x7f" else "?" for c in want)
            else:
                tok = val.split()[0] if val.split() else ""
                try:
                    want = int(tok, 16)
                except ValueError:
                    want = val
                got = num(got) if num(got) is not None else got
        n += 1
        if want != got:
            diffs.append("0x%x %s: iasl %r, iommuctl %s = %r" % (off, name, want, key, got))
    # the other way: every field iommuctl decoded was printed by iasl
    for roff, kind, rec in recs:
        for key, v in rec.items():
            if key in OWN_KEYS or key.endswith("_name") or key.endswith("_names"):
                continue
            if isinstance(v, list):
                continue
            if (roff, kind, key) not in seen:
                diffs.append("%s@0x%x %s = %r: iasl printed no such field" % (kind, roff, key, v))
    return n, diffs


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    iasl = sys.argv[1].split()
    iommuctl = sys.argv[2]
    bad = 0
    for path in sys.argv[3:]:
        try:
            n, diffs = compare(iasl, iommuctl, path)
        except RuntimeError as e:
            print("FAIL %s: %s" % (path, e))
            bad += 1
            continue
        if diffs:
            bad += 1
            print("FAIL %s: %d fields compared, %d differences:" % (path, n, len(diffs)))
            for d in diffs:
                print("  " + d)
        else:
            print("ok   %s: %d fields equal" % (path, n))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
