#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Build the Linux guest's initramfs (cpio newc, gzip) from the Debian
packages that tools/fetch-guest.sh unpacked. Python standard library only:
the cpio archive is written here, not by the cpio binary.

    tools/mkinitramfs.py [--kernel-root DIR] [--busybox FILE] [-o OUT]

Contents (see docs/linux-guest.md):
  /bin/busybox               busybox-static:arm64; /init runs
                             `busybox --install -s` to make the applet links
  /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /root /etc
  /dev/console (c 5,1), /dev/null (c 1,3)
  /lib/modules/<release>/*.ko  the virtio modules this kernel builds as =m,
                             with their dependencies, uncompressed
  /bin/cntvct                prints the generic timer's virtual count
                             (CNTVCT_EL0) and frequency: built here from the
                             C below with the project's cross compiler
  /init                      mounts, insmods in dependency order (the armhf
                             one waits after each until the kernel freed
                             the module's init sections: INIT_FREED_A32),
                             banner, shell on the console
                             (setsid cttyhack sh)
  /etc/profile, /etc/hostname, /etc/udhcpc/default.script

The archive is reproducible: every entry has mtime 0 and uid/gid 0, and the
gzip header carries no time stamp.
"""
import argparse
import glob
import gzip
import io
import lzma
import os
import re
import stat
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# The modules /init loads, in this order (issue 4), each with the Kconfig
# symbol that builds it. One that the kernel has built in (=y) is skipped;
# one it does not build at all is an error.
WANTED = [
    ("virtio_mmio", "VIRTIO_MMIO"),
    ("virtio_blk", "VIRTIO_BLK"),
    ("virtio_rng", "HW_RANDOM_VIRTIO"),
    ("failover", "FAILOVER"),
    ("net_failover", "NET_FAILOVER"),
    ("virtio_net", "VIRTIO_NET"),
]

BANNER = "vigil-guest: Linux initramfs up"
PROMPT = "vigil-guest# "

INIT = r"""#!/bin/busybox sh
# /init of the vigil Linux guest (made by tools/mkinitramfs.py).
/bin/busybox --install -s
export PATH=/sbin:/usr/sbin:/bin:/usr/bin HOME=/root TERM=vt100
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
hostname -F /etc/hostname
@INIT_FREED@for m in @MODULES@; do
	insmod /lib/modules/@RELEASE@/$m.ko || echo "init: insmod $m failed"
@AFTER_INSMOD@done
ip link set lo up
echo "@BANNER@ ($(uname -r), $(nproc) CPUs)"
# The machine's count since reset (with -icount shift=0: instructions / 16
# at 62.5 MHz) and the guest's own clock, as the shell starts.
echo "vigil-guest: at shell $(cntvct) uptime=$(cut -d' ' -f1 /proc/uptime)"
# PID 1 must not exit: start a new shell whenever the last one ends.
while true; do
	setsid cttyhack sh -l
	echo "init: shell exited, starting another"
done
"""

# The ARMv7 (armhf) /init waits, after each insmod, until the kernel has
# freed the module's init sections: arm32 Linux 6.1 frees them from a
# kworker (do_free_init) with one TLB flush from the module area up to the
# highest lazily freed vmalloc area, 0xbf0xx000..0xf0xxx000: about 204,000
# pages, one TLBIMVAAIS each, no cond_resched, with no cap like arm64's
# (flush_tlb_kernel_range falls back to a full flush above 512 pages
# there). Under QEMU TCG each TLBIMVAAIS is an exclusive section that waits
# for every running vCPU thread (tlb_flush_page_all_cpus_synced), so the
# loop takes 0.5 to 4 s, and far longer when the next insmod's jump-label
# patch (stop_machine) has the other CPUs spinning while they wait for
# that kworker's CPU: a soft lockup of all four CPUs (docs/arm32.md).
# Waiting here keeps the flush off every stop_machine and off the tests'
# first commands; the kernel is the one that runs the same way natively.
#
# Done means: no init area left in /proc/vmallocinfo (both of a module's
# areas come from load_module's inlined module_alloc calls, so such lines
# minus /proc/modules lines are the init areas not yet unmapped) and no
# kworker running an "events" work (the "+events" comm of a busy worker):
# the area is unmapped before the flush and the work ends after it.
INIT_FREED_A32 = r"""# insmod returns before the kernel frees the module's init sections:
# wait for that, 60 s at most (tools/mkinitramfs.py, INIT_FREED_A32).
init_freed() {
	t=0
	while [ $t -lt 1200 ]; do
		areas=$(grep -c ' load_module+' /proc/vmallocinfo)
		mods=$(wc -l < /proc/modules)
		if [ "$areas" -lt "$mods" ]; then
			echo "init: no load_module areas in /proc/vmallocinfo"
			return
		fi
		if [ "$areas" -eq "$mods" ] &&
		   ! grep -qs '^kworker/.*+events$' /proc/[0-9]*/comm; then
			return
		fi
		usleep 50000
		t=$((t + 1))
	done
	echo "init: $m's init sections not freed in 60 s"
}
"""

PROFILE = r"""export PS1='@PROMPT@'
export PATH=/sbin:/usr/sbin:/bin:/usr/bin HOME=/root TERM=vt100
"""

# Minimal udhcpc hook: `udhcpc -i eth0` configures the virtio-net NIC
# (QEMU user networking answers with 10.0.2.15, router 10.0.2.2).
UDHCPC = r"""#!/bin/sh
case "$1" in
deconfig)
	ip -4 addr flush dev "$interface"
	ip link set dev "$interface" up
	;;
bound|renew)
	ip -4 addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	for r in $router; do ip route add default via "$r" dev "$interface"; done
	: >/etc/resolv.conf
	for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
	;;
esac
exit 0
"""


# /bin/cntvct: no libc, two syscalls. User space may read CNTVCT_EL0
# because Linux sets CNTKCTL_EL1.EL0VCTEN for the vDSO. The A32 build (an
# armhf guest, --cc arm-none-eabi-gcc) reads CNTVCT/CNTFRQ through CP15
# and makes EABI syscalls (number in r7: write 4, exit 1).
CNTVCT_C = r"""
typedef unsigned long long u64;
#ifdef __arm__
#define SYS_WRITE 4
#define SYS_EXIT 1
static long sys3(long n, long a, long b, long c)
{
	register long r7 __asm__("r7") = n;
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;
	__asm__ volatile("svc #0" : "+r"(r0) : "r"(r7), "r"(r1), "r"(r2)
			 : "memory");
	return r0;
}
static u64 cntvct(void)
{
	u64 v;
	__asm__ volatile("isb; mrrc p15, 1, %Q0, %R0, c14" : "=r"(v));
	return v;
}
static u64 cntfrq(void)
{
	unsigned long v;
	__asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(v));
	return v;
}
#else
#define SYS_WRITE 64
#define SYS_EXIT 93
static u64 cntvct(void)
{
	u64 v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}
static u64 cntfrq(void)
{
	u64 v;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}
static long sys3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2)
			 : "memory");
	return x0;
}
#endif
static char *put(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}
static char *num(char *p, u64 v)
{
	char t[24];
	int n = 0;
	/* Digits by subtraction: a 64-bit division would call libgcc's
	 * __aeabi_uldivmod in A32, and this links no library. */
	static const u64 pow10[] = {
		10000000000000000000ULL, 1000000000000000000ULL,
		100000000000000000ULL, 10000000000000000ULL,
		1000000000000000ULL, 100000000000000ULL, 10000000000000ULL,
		1000000000000ULL, 100000000000ULL, 10000000000ULL,
		1000000000ULL, 100000000ULL, 10000000ULL, 1000000ULL,
		100000ULL, 10000ULL, 1000ULL, 100ULL, 10ULL, 1ULL};
	for (unsigned int i = 0; i < sizeof(pow10) / sizeof(pow10[0]); i++) {
		char d = '0';
		while (v >= pow10[i]) {
			v -= pow10[i];
			d++;
		}
		if (d != '0' || n || i == sizeof(pow10) / sizeof(pow10[0]) - 1)
			t[n++] = d;
	}
	for (int i = 0; i < n; i++)
		*p++ = t[i];
	return p;
}
void _start(void)
{
	u64 cnt = cntvct(), frq = cntfrq();
	char buf[64], *p = buf;
	p = put(p, "cntvct=");
	p = num(p, cnt);
	p = put(p, " cntfrq=");
	p = num(p, frq);
	*p++ = '\n';
	sys3(SYS_WRITE, 1, (long)buf, p - buf);
	sys3(SYS_EXIT, 0, 0, 0);
	for (;;)
		;
}
"""


def build_cntvct(cc):
    """Compile /bin/cntvct (a static arm64 or A32 ELF of about 1 KiB)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp, "cntvct.c"), Path(tmp, "cntvct")
        src.write_text(CNTVCT_C)
        cmd = [cc, "-Os", "-ffreestanding", "-fno-builtin", "-fno-pic",
               "-fno-stack-protector", "-nostdlib", "-static", "-no-pie",
               "-Wall", "-Werror", "-Wl,--build-id=none", "-s", "-o",
               str(out), str(src)]
        if "arm-none-eabi" in cc:
            cmd[1:1] = ["-march=armv7-a", "-marm", "-Wl,-e,_start"]
        try:
            subprocess.run(cmd, check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            sys.exit(f"mkinitramfs: cannot build /bin/cntvct with {cc}: {e}")
        return out.read_bytes()


class Cpio:
    """A cpio archive in the "newc" format (070701, ASCII hex header)."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1
        self.names = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        name = name.lstrip("/")
        if name in self.names:
            raise ValueError(f"duplicate cpio entry {name}")
        self.names.add(name)
        namez = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(namez), 0)
        self.ino += 1
        hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
        self.buf.write(hdr + namez)
        self._pad()
        self.buf.write(data)
        self._pad()

    def _pad(self):
        self.buf.write(b"\0" * (-self.buf.tell() % 4))

    def dir(self, name, perm=0o755):
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self.ino = 0
        self._entry("TRAILER!!!", 0, nlink=1)
        self._pad_to(512)
        return self.buf.getvalue()

    def _pad_to(self, n):
        self.buf.write(b"\0" * (-self.buf.tell() % n))


def kconfig(kernel_root):
    """{symbol: value} of the package's /boot/config-*."""
    cfgs = glob.glob(str(kernel_root / "boot" / "config-*"))
    if len(cfgs) != 1:
        sys.exit(f"mkinitramfs: expected one boot/config-* in {kernel_root}")
    out = {}
    for line in Path(cfgs[0]).read_text().splitlines():
        m = re.match(r"CONFIG_(\w+)=(.*)$", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def ko_bytes(path):
    """A module's ELF, decompressed if Debian shipped it compressed."""
    data = path.read_bytes()
    if path.name.endswith(".ko.xz"):
        return lzma.decompress(data)
    if path.name.endswith(".ko.gz"):
        return gzip.decompress(data)
    if path.name.endswith(".ko.zst"):
        sys.exit(f"mkinitramfs: {path}: zstd modules need a decompressor "
                 "outside the Python standard library")
    return data


def elf_section(elf, wanted):
    """The bytes of section `wanted` of a little-endian ELF64 (arm64) or
    ELF32 (armhf) file."""
    if elf[:4] != b"\x7fELF" or elf[4] not in (1, 2) or elf[5] != 1:
        raise ValueError("not a little-endian ELF file")
    if elf[4] == 2:
        shoff, = struct.unpack_from("<Q", elf, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3A)
        shfmt = "<IIQQQQ"
    else:
        shoff, = struct.unpack_from("<I", elf, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x2E)
        shfmt = "<IIIIII"

    def sh(i):
        # sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size
        return struct.unpack_from(shfmt, elf, shoff + i * shentsize)

    strtab = sh(shstrndx)
    names = elf[strtab[4]:strtab[4] + strtab[5]]
    for i in range(shnum):
        s = sh(i)
        name = names[s[0]:names.index(b"\0", s[0])].decode()
        if name == wanted:
            return elf[s[4]:s[4] + s[5]]
    return None


def modinfo(elf):
    """{key: [values]} from a module's .modinfo section."""
    info = {}
    sec = elf_section(elf, ".modinfo") or b""
    for item in sec.split(b"\0"):
        if b"=" in item:
            k, v = item.decode(errors="replace").split("=", 1)
            info.setdefault(k, []).append(v)
    return info


def module_index(moddir):
    """{module name: path}: names use '_' where file names may use '-'."""
    index = {}
    for p in moddir.rglob("*.ko*"):
        m = re.match(r"(.*)\.ko(\.xz|\.gz|\.zst)?$", p.name)
        if m:
            index[m.group(1).replace("-", "_")] = p
    return index


def resolve_modules(kernel_root, release):
    """[(name, elf bytes)] to insmod, dependencies first, WANTED order kept."""
    cfg = kconfig(kernel_root)
    moddir = kernel_root / "lib" / "modules" / release
    index = module_index(moddir)
    order, elves = [], {}

    def add(name, chain):
        if name in elves:
            return
        if name in chain:
            sys.exit(f"mkinitramfs: module dependency loop {chain + [name]}")
        if name not in index:
            sys.exit(f"mkinitramfs: module {name} not found under {moddir}")
        elf = ko_bytes(index[name])
        deps = [d for v in modinfo(elf).get("depends", []) for d in v.split(",")
                if d]
        for d in deps:
            add(d.replace("-", "_"), chain + [name])
        elves[name] = elf
        order.append(name)

    for name, sym in WANTED:
        val = cfg.get(sym)
        if val == "y":
            continue
        if val != "m":
            sys.exit(f"mkinitramfs: CONFIG_{sym} is {val or 'not set'}: "
                     f"this kernel has no {name}")
        add(name, [])
    return [(n, elves[n]) for n in order]


def build(kernel_root, busybox, release, cc):
    mods = resolve_modules(kernel_root, release)
    c = Cpio()
    for d in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "usr/share",
              "proc", "sys", "dev", "tmp", "root", "etc", "etc/udhcpc",
              "lib", "lib/modules", f"lib/modules/{release}", "mnt", "run"):
        c.dir(d, 0o1777 if d == "tmp" else 0o755)
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    c.file("bin/busybox", busybox.read_bytes(), 0o755)
    c.symlink("bin/sh", "busybox")
    c.file("bin/cntvct", build_cntvct(cc), 0o755)
    for name, elf in mods:
        c.file(f"lib/modules/{release}/{name}.ko", elf)
    a32 = kconfig(kernel_root).get("ARM") == "y"
    init = (INIT.replace("@MODULES@", " ".join(n for n, _ in mods))
            .replace("@INIT_FREED@", INIT_FREED_A32 if a32 else "")
            .replace("@AFTER_INSMOD@", "\tinit_freed\n" if a32 else "")
            .replace("@RELEASE@", release).replace("@BANNER@", BANNER))
    c.file("init", init.encode(), 0o755)
    c.file("etc/profile", PROFILE.replace("@PROMPT@", PROMPT).encode())
    c.file("etc/hostname", b"vigil-guest\n")
    c.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    c.file("etc/group", b"root:x:0:\n")
    c.file("etc/udhcpc/default.script", UDHCPC.encode(), 0o755)
    return c.finish(), [n for n, _ in mods]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kernel-root", type=Path,
                    default=REPO / "build/guest-cache/kernel",
                    help="the kernel package unpacked (tools/fetch-guest.sh)")
    ap.add_argument("--busybox", type=Path,
                    default=REPO / "build/guest-cache/busybox/bin/busybox")
    ap.add_argument("-o", "--output", type=Path,
                    default=REPO / "build/linux/initramfs.cpio.gz")
    cross = os.environ.get("CROSS", "aarch64-linux-gnu-")
    ap.add_argument("--cc", default=cross + "gcc",
                    help="arm64 C compiler for /bin/cntvct (default: "
                    "${CROSS}gcc, as the Makefile's)")
    args = ap.parse_args()

    for need in (args.kernel_root / "lib" / "modules", args.busybox):
        if not need.exists():
            sys.exit(f"mkinitramfs: {need} not found (run tools/fetch-guest.sh)")
    releases = sorted(p.name for p in
                      (args.kernel_root / "lib" / "modules").iterdir())
    if len(releases) != 1:
        sys.exit(f"mkinitramfs: expected one kernel release, got {releases}")
    release = releases[0]
    archive, mods = build(args.kernel_root, args.busybox, release,
                           args.cc)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_name(args.output.name + ".tmp")
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                           compresslevel=9) as gz:
            gz.write(archive)
    os.replace(tmp, args.output)
    print(f"mkinitramfs: {args.output} ({args.output.stat().st_size} bytes, "
          f"Linux {release}); modules: {' '.join(mods) or 'none'}")


if __name__ == "__main__":
    main()
