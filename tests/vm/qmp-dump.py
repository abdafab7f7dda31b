#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Host side of a memory-dump handshake with a tests/vm guest.

The guest (tests/vm/guest/dump-hold.sh) holds some IOMMU state, writes
"dump TAG" on a virtio-serial port and waits. For every such line this script
reads the requested MMIO words over QMP (HMP `xp`, 32 bits at a time), writes
the guest's memory with QMP dump-guest-memory in every requested format, and
answers "done TAG" (or "fail TAG: why"). It ends when the guest closes the port
or says "bye", or at the timeout.

Files, for every TAG, in OUTDIR:
  TAG.xp           one "ADDR VALUE" line (hex) per 32-bit word read
  TAG.elf          dump-guest-memory format elf (no paging: physical memory)
  TAG.kdump-zlib   format kdump-zlib (QEMU 7.2 writes makedumpfile's flattened
                   format; tests/vm/lib-dump.sh has the conversion)
and OUTDIR/qmp-dump.log, what happened when.

usage: qmp-dump.py --qmp SOCK --port SOCK --out OUTDIR [--xp ADDR:WORDS]...
                   [--format elf|kdump-zlib|...]... [--timeout SECONDS]
Exit status: 0 when at least one dump was served and none failed, 1 otherwise.
"""
import argparse
import json
import os
import socket
import sys
import time


class Failure(Exception):
    pass


def log(outdir, msg):
    with open(os.path.join(outdir, "qmp-dump.log"), "a") as f:
        f.write("%.3f %s\n" % (time.time(), msg))


def connect(path, deadline):
    """Connect to the UNIX socket QEMU listens on, waiting for it to appear."""
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.time() > deadline:
                raise Failure("no QEMU listening on %s" % path)
            time.sleep(0.05)


class Qmp:
    def __init__(self, sock, deadline):
        self.sock = sock
        self.buf = b""
        self.deadline = deadline
        self.recv()  # the greeting
        self.cmd("qmp_capabilities")

    def recv(self):
        while b"\n" not in self.buf:
            self.sock.settimeout(max(0.1, self.deadline - time.time()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise Failure("QMP: no answer before the timeout")
            if not chunk:
                raise Failure("QMP: QEMU closed the monitor")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self.recv()
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise Failure("QMP %s: %s" % (name, r["error"].get("desc", r["error"])))
            # an event (DUMP_COMPLETED, ...): keep reading

    def xp_words(self, addr, count):
        """count 32-bit words of guest physical memory (or MMIO) at addr."""
        out = self.cmd("human-monitor-command", **{"command-line": "xp /%dwx 0x%x" % (count, addr)})
        words = []
        for line in out.splitlines():
            if ":" not in line:
                continue
            words += [int(w, 16) for w in line.split(":", 1)[1].split()]
        if len(words) != count:
            raise Failure("xp 0x%x: expected %d words, got %r" % (addr, count, out.strip()))
        return words


def serve(args):
    deadline = time.time() + args.timeout
    os.makedirs(args.out, exist_ok=True)

    def attach():
        port = connect(args.port, deadline)
        qmp = Qmp(connect(args.qmp, deadline), deadline)
        log(args.out, "connected to %s and %s" % (args.port, args.qmp))
        return port, qmp

    port, qmp = attach()
    served, failed, buf = 0, 0, b""
    while True:
        while b"\n" not in buf:
            port.settimeout(max(0.1, deadline - time.time()))
            try:
                chunk = port.recv(4096)
            except socket.timeout:
                raise Failure("the guest asked for nothing more before the timeout (%d served)" % served)
            except OSError:
                chunk = b""
            if not chunk and not served and not failed:
                # QEMU went away before the guest asked: tests/vm retries a
                # failed KVM boot under TCG, with new sockets at the same paths
                log(args.out, "QEMU went away before any request: waiting for the next one")
                port.close()
                qmp.sock.close()
                buf = b""
                port, qmp = attach()
                continue
            if not chunk:
                log(args.out, "the guest closed the port")
                return served, failed
            buf += chunk
        raw, buf = buf.split(b"\n", 1)
        line = raw.decode(errors="replace").strip()
        log(args.out, "guest: %s" % line)
        if line == "bye":
            return served, failed
        if not line.startswith("dump "):
            continue
        tag = line[5:].strip()
        if not tag or "/" in tag or tag.startswith("."):
            port.sendall(b"fail bad tag\n")
            failed += 1
            continue
        try:
            t0 = time.time()
            with open(os.path.join(args.out, tag + ".xp"), "w") as f:
                for spec in args.xp:
                    a, n = spec.split(":")
                    a, n = int(a, 0), int(n, 0)
                    for i, w in enumerate(qmp.xp_words(a, n)):
                        f.write("0x%x 0x%08x\n" % (a + 4 * i, w))
            for fmt in args.format:
                path = os.path.abspath(os.path.join(args.out, "%s.%s" % (tag, fmt)))
                qmp.cmd("dump-guest-memory", paging=False, protocol="file:" + path, format=fmt)
                log(args.out, "%s: %d bytes" % (path, os.path.getsize(path)))
            log(args.out, "dump %s served in %.1f s" % (tag, time.time() - t0))
            port.sendall(("done %s\n" % tag).encode())
            served += 1
        except (Failure, OSError, ValueError) as e:
            log(args.out, "dump %s failed: %s" % (tag, e))
            port.sendall(("fail %s: %s\n" % (tag, e)).encode())
            failed += 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--qmp", required=True)
    p.add_argument("--port", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--xp", action="append", default=[], help="ADDR:WORDS of 32 bits to read")
    p.add_argument("--format", action="append", default=[], help="dump-guest-memory format")
    p.add_argument("--timeout", type=float, default=180)
    args = p.parse_args()
    if not args.format:
        args.format = ["elf"]
    try:
        served, failed = serve(args)
    except Failure as e:
        log(args.out, "error: %s" % e)
        print("qmp-dump: %s" % e, file=sys.stderr)
        return 1
    if served == 0 or failed:
        print("qmp-dump: %d dumps served, %d failed (see %s/qmp-dump.log)" % (served, failed, args.out),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
