#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate a synthetic sysfs tree of GROUPS IOMMU groups of PER devices.

    mksysfs.py OUT [--groups N] [--per-group M]

OUT/sys is laid out as the kernel lays out a VT-d machine's sysfs: PCI
functions under /sys/devices/pciDDDD:00 with the attributes and links
lspci, driverctl, dpdk-devbind and iommuctl read (config space with a
capability list, driver, iommu_group, iommu, subsystem, ...), one DMAR unit
per PCI domain under /sys/class/iommu, /sys/kernel/iommu_groups/N with
type and reserved_regions, /sys/bus/pci/{devices,drivers}. Every link is
relative, as the kernel's are, so the tree can be bound over /sys in a
mount namespace (bench/bench_inventory.sh) or read with --sysfs-root.

Each group is one multi-function slot (functions 0..M-1, M <= 8) on its own
bus; 200 buses per domain. Drivers rotate through e1000e, nvme, vfio-pci and
none by group, so some groups are viable and some are not.
"""
import argparse
import os
import struct
import sys

DRIVERS = ["e1000e", "nvme", "vfio-pci", None]
BUSES_PER_DOMAIN = 200


def write(path, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


def link(path, target):
    os.symlink(os.path.relpath(target, os.path.dirname(path)), path)


def config_space(vendor, device, class_code, multi):
    cfg = bytearray(256)
    struct.pack_into("<HHHH", cfg, 0, vendor, device, 0x0406, 0x0010)  # command, status: cap list
    struct.pack_into("<I", cfg, 8, (class_code << 8) | 0x01)
    cfg[0x0e] = 0x80 if multi else 0x00
    struct.pack_into("<HH", cfg, 0x2c, 0x8086, 0x0001)                 # subsystem
    cfg[0x34] = 0x40
    cfg[0x3c], cfg[0x3d] = 0x0b, 0x01
    # PCI Express capability (endpoint), then MSI-X
    cfg[0x40], cfg[0x41] = 0x10, 0x50
    struct.pack_into("<H", cfg, 0x42, 0x0002)
    cfg[0x50], cfg[0x51] = 0x11, 0x00
    struct.pack_into("<H", cfg, 0x52, 0x0003)
    return bytes(cfg)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--groups", type=int, default=1024)
    ap.add_argument("--per-group", type=int, default=4)
    a = ap.parse_args()
    if not 1 <= a.per_group <= 8 or a.groups < 1:
        sys.exit("mksysfs.py: --per-group is 1..8, --groups at least 1")
    sysd = os.path.join(a.out, "sys")
    if os.path.exists(sysd):
        sys.exit(f"mksysfs.py: {sysd} exists")
    devices = os.path.join(sysd, "devices")
    bus = os.path.join(sysd, "bus", "pci")
    groups = os.path.join(sysd, "kernel", "iommu_groups")
    for d in (os.path.join(bus, "devices"), groups, os.path.join(sysd, "class", "iommu"),
              os.path.join(devices, "virtual", "iommu")):
        os.makedirs(d)
    write(os.path.join(bus, "drivers_autoprobe"), "1\n")
    for drv in DRIVERS:
        if drv:
            os.makedirs(os.path.join(bus, "drivers", drv))
            write(os.path.join(bus, "drivers", drv, "new_id"), "")
    ndomains = (a.groups + BUSES_PER_DOMAIN - 1) // BUSES_PER_DOMAIN
    units = []
    for dom in range(ndomains):
        unit = os.path.join(devices, "virtual", "iommu", f"dmar{dom}")
        os.makedirs(os.path.join(unit, "intel-iommu"))
        os.makedirs(os.path.join(unit, "devices"))
        for name, val in (("address", f"{0xfed90000 + dom * 0x1000:x}"), ("cap", "d2008c40660462"),
                          ("ecap", "f050da"), ("version", "1:0"), ("domains_supported", "256"),
                          ("domains_used", "1")):
            write(os.path.join(unit, "intel-iommu", name), val + "\n")
        write(os.path.join(unit, "uevent"), "")
        link(os.path.join(sysd, "class", "iommu", f"dmar{dom}"), unit)
        root = os.path.join(devices, f"pci{dom:04x}:00")
        os.makedirs(root)
        write(os.path.join(root, "uevent"), "")
        units.append((unit, root))
    n = 0
    for g in range(a.groups):
        dom, busnr = divmod(g, BUSES_PER_DOMAIN)
        unit, root = units[dom]
        gdir = os.path.join(groups, str(g))
        os.makedirs(os.path.join(gdir, "devices"))
        write(os.path.join(gdir, "type"), "DMA-FQ\n")
        write(os.path.join(gdir, "reserved_regions"),
              "0x00000000fee00000 0x00000000feefffff msi\n")
        for fn in range(a.per_group):
            name = f"{dom:04x}:{busnr + 1:02x}:00.{fn}"
            d = os.path.join(root, name)
            os.makedirs(os.path.join(d, "power"))
            vendor, device, cls = 0x8086, 0x10d3 + (n % 16), 0x020000
            drv = DRIVERS[g % len(DRIVERS)]
            for attr, val in (("vendor", f"0x{vendor:04x}"), ("device", f"0x{device:04x}"),
                              ("subsystem_vendor", "0x8086"), ("subsystem_device", "0x0001"),
                              ("class", f"0x{cls:06x}"), ("revision", "0x01"), ("irq", "11"),
                              ("numa_node", "-1"), ("enable", "1"), ("local_cpulist", "0-1"),
                              ("local_cpus", "3"), ("dma_mask_bits", "64"),
                              ("consistent_dma_mask_bits", "64"), ("msi_bus", "1"),
                              ("broken_parity_status", "0"), ("d3cold_allowed", "1"),
                              ("current_link_speed", "2.5 GT/s PCIe"), ("current_link_width", "1"),
                              ("max_link_speed", "2.5 GT/s PCIe"), ("max_link_width", "1"),
                              ("driver_override", "(null)"), ("reset_method", "flr bus"),
                              ("ari_enabled", "0"), ("power_state", "D0")):
                write(os.path.join(d, attr), val + "\n")
            write(os.path.join(d, "modalias"),
                  f"pci:v{vendor:08X}d{device:08X}sv00008086sd00000001bc02sc00i00\n")
            write(os.path.join(d, "uevent"),
                  (f"DRIVER={drv}\n" if drv else "") +
                  f"PCI_CLASS={cls:X}\nPCI_ID={vendor:04X}:{device:04X}\n"
                  f"PCI_SUBSYS_ID=8086:0001\nPCI_SLOT_NAME={name}\n")
            write(os.path.join(d, "resource"),
                  "0x00000000febc0000 0x00000000febdffff 0x0000000000040200\n" +
                  "0x0000000000000000 0x0000000000000000 0x0000000000000000\n" * 12)
            write(os.path.join(d, "resource0"), "")
            write(os.path.join(d, "config"), config_space(vendor, device, cls, a.per_group > 1))
            write(os.path.join(d, "power", "control"), "on\n")
            link(os.path.join(d, "subsystem"), bus)
            link(os.path.join(d, "iommu_group"), gdir)
            link(os.path.join(d, "iommu"), unit)
            link(os.path.join(gdir, "devices", name), d)
            link(os.path.join(unit, "devices", name), d)
            link(os.path.join(bus, "devices", name), d)
            if drv:
                ddir = os.path.join(bus, "drivers", drv)
                link(os.path.join(d, "driver"), ddir)
                link(os.path.join(ddir, name), d)
            n += 1
    print(f"{a.out}: {a.groups} groups, {n} devices, {ndomains} IOMMU units")


if __name__ == "__main__":
    main()
