#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Complete a snapshot's sysfs tree for the peers of bench_inventory.sh.

    realtree.py SNAPSHOT.tar OUT

Extracts SNAPSHOT.tar's sys/ (a real guest's sysfs as iommuctl's snapshot
records it: the attributes iommuctl reads, with the kernel's own values and
links) to OUT/sys and adds what every kernel's sysfs has but the snapshot
does not record, all derived from the recorded files, so that lspci -nnkv,
driverctl, dpdk-devbind and libudev can list the devices:

  irq          the interrupt line (config space 0x3c); lspci needs it
  resource     13 empty ranges (the snapshot has no BAR sizes): lspci then
               prints no "Memory at" lines, a little less work than on the
               guest itself
  uevent, modalias, subsystem -> bus/pci   libudev skips a device without
               uevent; dpdk-devbind and driverctl read modalias and driver
  bus/pci/drivers/NAME  the targets of the recorded driver links
  module/      dpdk-devbind lists it to see which modules are loaded
"""
import os
import sys
import tarfile


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    tar, out = sys.argv[1], sys.argv[2]
    with tarfile.open(tar) as t:
        members = [m for m in t.getmembers() if m.name == "sys" or m.name.startswith("sys/")]
        try:
            t.extractall(out, members=members, filter="tar")
        except TypeError:                      # Python < 3.12: no filter
            t.extractall(out, members=members)
    sysd = os.path.join(out, "sys")
    bus = os.path.join(sysd, "bus", "pci")
    os.makedirs(os.path.join(sysd, "module"), exist_ok=True)
    os.makedirs(os.path.join(bus, "drivers"), exist_ok=True)
    n = 0
    for name in sorted(os.listdir(os.path.join(bus, "devices"))):
        d = os.path.realpath(os.path.join(bus, "devices", name))

        def attr(a):
            with open(os.path.join(d, a)) as f:
                return int(f.read().strip(), 16)
        with open(os.path.join(d, "config"), "rb") as f:
            cfg = f.read(64)
        vendor, device, cls = attr("vendor"), attr("device"), attr("class")
        sv, sd = attr("subsystem_vendor"), attr("subsystem_device")
        drv = None
        if os.path.islink(os.path.join(d, "driver")):
            drv = os.path.basename(os.readlink(os.path.join(d, "driver")))
            os.makedirs(os.path.join(bus, "drivers", drv), exist_ok=True)
            dl = os.path.join(bus, "drivers", drv, name)
            if not os.path.lexists(dl):
                os.symlink(os.path.relpath(d, os.path.dirname(dl)), dl)
        files = {
            "irq": f"{cfg[0x3c] if len(cfg) > 0x3c else 0}\n",
            "resource": "0x0000000000000000 0x0000000000000000 0x0000000000000000\n" * 13,
            "modalias": f"pci:v{vendor:08X}d{device:08X}sv{sv:08X}sd{sd:08X}"
                        f"bc{cls >> 16:02X}sc{(cls >> 8) & 0xff:02X}i{cls & 0xff:02X}\n",
            "uevent": (f"DRIVER={drv}\n" if drv else "") +
                      f"PCI_CLASS={cls:X}\nPCI_ID={vendor:04X}:{device:04X}\n"
                      f"PCI_SUBSYS_ID={sv:04X}:{sd:04X}\nPCI_SLOT_NAME={name}\n",
        }
        for a, v in files.items():
            p = os.path.join(d, a)
            if not os.path.exists(p):
                with open(p, "w") as f:
                    f.write(v)
        sub = os.path.join(d, "subsystem")
        if not os.path.lexists(sub):
            os.symlink(os.path.relpath(bus, d), sub)
        n += 1
    print(f"{out}: {n} devices from {tar}, completed for the peers")


if __name__ == "__main__":
    main()
