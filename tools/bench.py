#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""make bench: the bench guest (tests/guests/bench) natively, under vigil
and under Xen 4.17, plus Linux's instructions to the shell prompt natively
and under vigil; one table, build/bench/bench.csv and build/bench/bench.png.
docs/performance.md says what each measure is and how it is counted.

    tools/bench.py [--quick] [--no-linux] [--no-xen] [--out DIR]

Every run uses QEMU's `-icount shift=0,sleep=off`: one retired instruction
advances the virtual clock by 1 ns, and with every CPU idle the clock jumps
to the next timer instead of following the host's clock, so the numbers are
instructions and repeat from run to run.

- native: tools/run-qemu.sh --native (QEMU virt, no virtualization=on, the
  guest at EL1 on QEMU's GICv2), 2 CPUs, a virtio-rng device.
- vigil: tools/run-qemu.sh (vigil at EL2, the guest in its default VM with
  every virtio-mmio device passed through), 2 CPUs.
- xen: Debian's xen-hypervisor-4.17-arm64 unpacked into build/xen (never
  installed), dom0less: the bench guest is the kernel of a `xen,domain`
  node under /chosen of a host DTB made with tools/mkdtb.sh, loaded with
  -device loader. One pCPU (see docs/performance.md for why).
- linux: tests/system/test_linux.py's icount boots (tools/run-linux.sh
  --icount), whose numbers land in build/test-logs/linux-boot.json.
- arm32: the A32 build of the same guest (build/qemu-virt-arm32) natively
  and under the arm32 vigil on qemu-system-arm (Cortex-A15), 2 CPUs; and
  Debian's armmp-lpae Linux to the shell natively and under vigil with
  -icount, booted here (tools/run-linux.sh --icount) with ONE CPU: with 4
  the armhf kernel soft-locks in stop_machine under -icount, natively too
  (docs/arm32.md). Its numbers are kept in build/bench/linux-arm32.json
  for --no-linux. No Xen for arm32.
"""
import argparse
import csv
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("VIGIL_BUILD", "build/qemu-virt-arm64"))
if not BUILD.is_absolute():
    BUILD = REPO / BUILD
BUILD32 = Path(os.environ.get("VIGIL_BUILD32", "build/qemu-virt-arm32"))
if not BUILD32.is_absolute():
    BUILD32 = REPO / BUILD32
XEN_DIR = REPO / "build" / "xen"
XEN_IMAGE = XEN_DIR / "boot" / "xen-4.17-arm64"
XEN_PKG = "xen-hypervisor-4.17-arm64:arm64"
LINUX_JSON = REPO / "build" / "test-logs" / "linux-boot.json"
PYTHON = "/usr/bin/python3"

ICOUNT = ["-icount", "shift=0,sleep=off"]
DEVICES = ["-device", "virtio-rng-device"]
GUEST_ADDR = 0x50000000
FULL = "bench.iters=1000 bench.windows=20 bench.window=500"
QUICK = "bench.iters=64 bench.windows=5 bench.window=100"
# Xen without sched=null (not built by Debian) keeps credit2; vwfi=native
# lets a guest's WFI halt the pCPU as under vigil instead of trapping.
XEN_ARGS = "console=dtuart dtuart=/pl011@9000000 vwfi=native"
RUN_TIMEOUT = 600
# Why Xen cannot run some measures here (docs/performance.md): the guest
# itself only sees that it lacks a second vCPU or a virtio-rng device.
XEN_NA = {
    "ipi_rtt": "Xen runs on 1 pCPU: with 2, Xen 4.17 does not finish booting "
    "under -icount (QEMU 7.2 runs the CPUs round-robin; CPU0 spins in a "
    "cpumask wait, CPU1 sits in WFI)",
    "spi_latency": "no passthrough virtio device in a dom0less domU: its DMA "
    "needs IPA == PA (direct-map needs CONFIG_STATIC_MEMORY, not in Debian's "
    "build) or an IOMMU (QEMU virt has SMMUv3, Xen 4.17 drives SMMUv1/v2)",
}
XEN_NA["storm"] = XEN_NA["spi_latency"]

ENVS = ["native", "vigil", "xen"]
# The arm32 column: the same measures for the A32 guest and the arm32 vigil.
ENVS32 = ["arm32_native", "arm32_vigil"]
LINUX32_SMP = 1
LINUX32_SHELL = re.compile(r"at shell cntvct=(\d+) cntfrq=(\d+)")
LINUX32_START = re.compile(r"boot phases \(us\):.* total (\d+)")
# (name, unit, label) in table order; docs/performance.md describes each.
MEASURES = [
    ("hypercall", "insns", "null hypercall round trip"),
    ("psci_version", "insns", "HVC PSCI_VERSION round trip"),
    ("gicd_read", "insns", "GICD_ISENABLER0 read"),
    ("ipi_rtt", "insns", "virtual IPI round trip vCPU0>1>0"),
    ("vtimer", "insns", "virtual timer: CVAL to IRQ vector"),
    ("spi_latency", "insns", "passthrough SPI: doorbell to vector"),
    ("storm", "irqs_per_1e9_insns", "storm: IRQs per 1e9 instructions"),
    ("linux_boot", "insns", "Linux: instructions to the prompt"),
    ("vigil_start", "insns", "vigil start-up: entry to the guests"),
    ("image_size", "bytes", "vigil.bin size"),
]

RESULT = re.compile(r"bench: result (\w+) (?:n=(\d+) min=(\d+) median=(\d+) "
                    r"max=(\d+) unit=(\S+)|n/a (.*))")
DONE = re.compile(r"bench: done measures=(\d+) na=(\d+)")
HEADER = re.compile(r"bench: env=(\w+) clock=(\w+)")


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def run_qemu(cmd, logfile, env=None, timeout=RUN_TIMEOUT, done=DONE):
    """Run QEMU until the guest prints `done` (default `bench: done`; Xen
    keeps running after its guest powers off) or QEMU exits; return the
    console text."""
    out = []
    start = time.monotonic()
    with open(logfile, "w", encoding="utf-8") as lf:
        lf.write("$ " + " ".join(map(str, cmd)) + "\n")
        proc = subprocess.Popen([str(c) for c in cmd], cwd=REPO, env=env,
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                start_new_session=True)
        buf = b""
        try:
            while True:
                left = timeout - (time.monotonic() - start)
                if left <= 0:
                    out.append("\n[bench] TIMEOUT\n")
                    break
                ready, _, _ = select.select([proc.stdout], [], [], left)
                if not ready:
                    continue
                data = os.read(proc.stdout.fileno(), 65536)
                if not data:
                    break
                buf += data
                text = data.decode("utf-8", "replace")
                out.append(text)
                lf.write(text)
                if done.search(buf.decode("utf-8", "replace")):
                    # Let the rest of the line and power-off through.
                    end = time.monotonic() + 2
                    while time.monotonic() < end:
                        r, _, _ = select.select([proc.stdout], [], [], 0.2)
                        if r:
                            more = os.read(proc.stdout.fileno(), 65536)
                            if not more:
                                break
                            out.append(more.decode("utf-8", "replace"))
                            lf.write(out[-1])
                    break
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
    return "".join(out).replace("\r", "")


def parse(text):
    """{measure: dict(n, min, median, max, unit) or dict(na=reason)},
    header dict, done flag."""
    res, hdr = {}, {}
    for line in text.split("\n"):
        m = RESULT.search(line)
        if m:
            if m.group(7) is not None:
                res[m.group(1)] = {"na": m.group(7).strip()}
            else:
                res[m.group(1)] = {
                    "n": int(m.group(2)), "min": int(m.group(3)),
                    "median": int(m.group(4)), "max": int(m.group(5)),
                    "unit": m.group(6)}
        h = HEADER.search(line)
        if h:
            hdr = {"env": h.group(1), "clock": h.group(2)}
    return res, hdr, bool(DONE.search(text))


def run_native(args, out, build=BUILD, tag="native"):
    cmd = [REPO / "tools/run-qemu.sh", "--native", build, "bench", *ICOUNT,
           *DEVICES, "-append", args]
    return run_qemu(cmd, out / f"{tag}.log",
                    env=dict(os.environ, VIGIL_SMP="2"))


def run_vigil(args, out, build=BUILD, tag="vigil"):
    cmd = [REPO / "tools/run-qemu.sh", build, "bench", *ICOUNT, *DEVICES,
           "-append", args]
    return run_qemu(cmd, out / f"{tag}.log",
                    env=dict(os.environ, VIGIL_SMP="2"))


def linux32_rows(measure, out):
    """Debian's armhf Linux to the shell with one CPU under -icount,
    natively and under the arm32 vigil: {env: insns, "vigil_start": insns},
    measured now or, without `measure`, from the last run's JSON."""
    saved = out / "linux-arm32.json"
    if not measure:
        return json.loads(saved.read_text()) if saved.is_file() else {}
    rows = {}
    env = dict(os.environ, VIGIL_ARCH="arm32", VIGIL_SMP=str(LINUX32_SMP),
               VIGIL_BUILD=str(BUILD32))
    for mode in ("native", "vigil"):
        log(f"arm32 Linux: {mode}, {LINUX32_SMP} CPU, -icount")
        text = run_qemu([REPO / "tools/run-linux.sh", f"--{mode}",
                         "--icount"], out / f"linux-arm32-{mode}.log",
                        env=env, done=LINUX32_SHELL)
        m = LINUX32_SHELL.search(text)
        if not m:
            log(f"arm32 Linux {mode}: no prompt; see "
                f"{out}/linux-arm32-{mode}.log")
            continue
        rows[mode] = int(m.group(1)) * 10**9 // int(m.group(2))
        s = LINUX32_START.search(text)
        if mode == "vigil" and s:
            # Under -icount shift=0 a microsecond is 1,000 instructions.
            rows["vigil_start"] = int(s.group(1)) * 1000
    saved.write_text(json.dumps(rows, indent=2) + "\n")
    return rows


def image_size(build):
    f = build / "vigil.bin"
    size = f.stat().st_size
    return {"n": 1, "min": size, "median": size, "max": size,
            "unit": "bytes"}


def fetch_xen():
    if XEN_IMAGE.is_file():
        return None
    log(f"fetching {XEN_PKG} into {XEN_DIR} (apt-get download, not "
        "installed)")
    r = subprocess.run([REPO / "tools/fetch-deb.sh", XEN_PKG, XEN_DIR],
                       cwd=REPO, capture_output=True, text=True)
    if r.returncode or not XEN_IMAGE.is_file():
        return f"could not fetch {XEN_PKG}: {r.stderr.strip()[-200:]}"
    return None


def run_xen(args, out):
    """Returns (console text, None) or (None, reason it could not run)."""
    why = fetch_xen()
    if why:
        return None, why
    image = BUILD / "guests" / "bench.bin"
    size = (image.stat().st_size + 0xfff) & ~0xfff
    frag = out / "xen-fragment.dts"
    dtb = out / "xen-host.dtb"
    frag.write_text(f"""/ {{
	chosen {{
		#address-cells = <2>;
		#size-cells = <2>;
		xen,xen-bootargs = "{XEN_ARGS}";
		bench {{
			compatible = "xen,domain";
			#address-cells = <2>;
			#size-cells = <2>;
			memory = <0x0 0x80000>; /* KiB */
			cpus = <1>;
			vpl011;
			module@{GUEST_ADDR:x} {{
				compatible = "multiboot,kernel", "multiboot,module";
				reg = <0x0 {GUEST_ADDR:#x} 0x0 {size:#x}>;
				bootargs = "{args}";
			}};
		}};
	}};
}};
""")
    env = dict(os.environ, VIGIL_SMP="1")
    r = subprocess.run([REPO / "tools/mkdtb.sh", dtb, frag], cwd=REPO,
                       env=env, capture_output=True, text=True, timeout=60)
    if r.returncode:
        return None, f"tools/mkdtb.sh failed: {r.stderr.strip()[-200:]}"
    cmd = [os.environ.get("QEMU", "qemu-system-aarch64"),
           "-machine", "virt,virtualization=on,gic-version=2",
           "-cpu", "cortex-a57", "-smp", "1", "-m", "1G", "-nographic",
           "-nic", "none", "-kernel", XEN_IMAGE, "-dtb", dtb,
           "-device", f"loader,file={image},addr={GUEST_ADDR:#x}",
           *ICOUNT, *DEVICES]
    return run_qemu(cmd, out / "xen.log"), None


def linux_rows(measure):
    """Medians from linux-boot.json: {env: insns}."""
    rows = {}
    if measure:
        log("Linux: tests/system/test_linux.py -k icount (native, vigil)")
        r = subprocess.run([PYTHON, "-m", "pytest", "-q",
                            "tests/system/test_linux.py", "-k", "icount"],
                           cwd=REPO)
        if r.returncode:
            log("the Linux icount boots failed; Linux row from the last "
                "successful ones, if any")
    if LINUX_JSON.is_file():
        nums = json.loads(LINUX_JSON.read_text())
        for env in ("native", "vigil"):
            if f"{env}_icount_insns" in nums:
                rows[env] = nums[f"{env}_icount_insns"]
        if "vigil_start_insns" in nums:
            rows["vigil_start"] = nums["vigil_start_insns"]
    return rows


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_cell(r):
    if r is None:
        return "-"
    if "na" in r:
        return "n/a"
    if r["min"] == r["max"]:
        return f"{r['median']:,}"
    return f"{r['median']:,} ({r['min']:,}-{r['max']:,})"


def fmt_ratio(x):
    return "-" if x is None else (f"{x:.2f}" if x < 100 else f"{x:,.0f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help=f"fewer samples ({QUICK})")
    ap.add_argument("--no-linux", action="store_true",
                    help="don't boot Linux; use build/test-logs/"
                    "linux-boot.json if it is there")
    ap.add_argument("--no-xen", action="store_true")
    ap.add_argument("--no-arm32", action="store_true",
                    help="leave out the arm32 column")
    ap.add_argument("--out", default=str(REPO / "build" / "bench"))
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    args = QUICK if a.quick else FULL

    for f in (BUILD / "vigil.bin", BUILD / "guests" / "bench.bin"):
        if not f.is_file():
            sys.exit(f"{f} not built (run make)")
    for f in (BUILD32 / "vigil.bin", BUILD32 / "guests" / "bench.bin"):
        if not a.no_arm32 and not f.is_file():
            sys.exit(f"{f} not built (run make ARCH=arm32, or --no-arm32)")

    results, notes, ok = {}, {}, True
    for env in ENVS + ([] if a.no_arm32 else ENVS32):
        log(f"{env}: {args}")
        if env == "arm32_native":
            text = run_native(args, out, BUILD32, env)
        elif env == "arm32_vigil":
            text = run_vigil(args, out, BUILD32, env)
        elif env == "xen":
            if a.no_xen:
                notes[env] = "skipped (--no-xen)"
                continue
            text, why = run_xen(args, out)
            if text is None:
                notes[env] = why
                log(f"xen: n/a: {why}")
                continue
        elif env == "native":
            text = run_native(args, out)
        else:
            text = run_vigil(args, out)
        res, hdr, done = parse(text)
        if not done:
            notes[env] = f"did not finish (see {out / (env + '.log')})"
            log(f"{env}: the guest did not finish; log {out}/{env}.log")
            ok = env not in ("vigil", "arm32_vigil") and ok
        if hdr.get("env") and hdr["env"] != env.removeprefix("arm32_"):
            log(f"{env}: the guest believes it runs {hdr['env']}")
        notes.setdefault(env, f"clock {hdr.get('clock', '?')}")
        if env == "xen":
            for m, why in XEN_NA.items():
                if m in res and "na" in res[m]:
                    res[m] = {"na": why}
        results[env] = res

    linux = linux_rows(not a.no_linux)
    for env in ("native", "vigil"):
        if env in linux:
            results.setdefault(env, {})["linux_boot"] = {
                "n": 1, "min": linux[env], "median": linux[env],
                "max": linux[env], "unit": "insns"}
    if "vigil_start" in linux:
        results.setdefault("vigil", {})["vigil_start"] = {
            "n": 1, "min": linux["vigil_start"],
            "median": linux["vigil_start"], "max": linux["vigil_start"],
            "unit": "insns"}
    results.setdefault("native", {})["vigil_start"] = {
        "na": "no hypervisor natively"}
    results.setdefault("xen", {})["vigil_start"] = {
        "na": "not measured for Xen"}
    results.setdefault("xen", {})["linux_boot"] = {
        "na": "not attempted (a domU would lack the virtio devices)"}
    results.setdefault("vigil", {})["image_size"] = image_size(BUILD)
    for env in ("native", "xen", "arm32_native"):
        results.setdefault(env, {})["image_size"] = {
            "na": "vigil's image only"}
    if not a.no_arm32:
        linux32 = linux32_rows(not a.no_linux, out)
        for env in ("native", "vigil"):
            if env in linux32:
                v = linux32[env]
                results[f"arm32_{env}"]["linux_boot"] = {
                    "n": 1, "min": v, "median": v, "max": v,
                    "unit": "insns"}
        if "vigil_start" in linux32:
            v = linux32["vigil_start"]
            results["arm32_vigil"]["vigil_start"] = {
                "n": 1, "min": v, "median": v, "max": v, "unit": "insns"}
        results["arm32_native"]["vigil_start"] = {
            "na": "no hypervisor natively"}
        results["arm32_vigil"]["image_size"] = image_size(BUILD32)

    # ---- table, CSV ---------------------------------------------------
    def get(env, m):
        return results.get(env, {}).get(m)

    def med(env, m):
        r = get(env, m)
        return r["median"] if r and "median" in r else None

    header = ["measure", "unit", "native", "vigil", "xen", "vigil/native",
              "vigil/xen", "arm32 native", "arm32 vigil",
              "arm32 vigil/native"]
    rows = []
    for m, unit, label in MEASURES:
        rows.append([m, unit, fmt_cell(get("native", m)),
                     fmt_cell(get("vigil", m)), fmt_cell(get("xen", m)),
                     fmt_ratio(ratio(med("vigil", m), med("native", m))),
                     fmt_ratio(ratio(med("vigil", m), med("xen", m))),
                     fmt_cell(get("arm32_native", m)),
                     fmt_cell(get("arm32_vigil", m)),
                     fmt_ratio(ratio(med("arm32_vigil", m),
                                     med("arm32_native", m)))])
    widths = [max(len(str(r[i])) for r in rows + [header])
              for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths))
              for r in rows]
    table = "\n".join(lines)
    legend = ("median (min-max) over the samples, in instructions retired "
              "by the whole machine under -icount shift=0 (guest + "
              "hypervisor, every CPU); storm in interrupts handled per 10^9 "
              "instructions (higher is better). arm32: the A32 guest on a "
              f"Cortex-A15, Linux with {LINUX32_SMP} CPU (4 soft-lock "
              "under -icount, natively too). n/a reasons:")
    nas = []
    for env in ENVS + ENVS32:
        for m, _, _ in MEASURES:
            r = get(env, m)
            if r and "na" in r:
                nas.append(f"  {env} {m}: {r['na']}")
        if env not in results or not results[env]:
            nas.append(f"  {env}: {notes.get(env, 'not run')}")
    text = (f"{table}\n\n{legend}\n" + "\n".join(nas) + "\n"
            + "clocks: " + ", ".join(f"{e}: {notes.get(e, '-')}"
                                     for e in ENVS + ENVS32) + "\n")
    print(text)
    (out / "bench.txt").write_text(text)

    with open(out / "bench.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["measure", "unit"] +
                   [f"{e}_{k}" for e in ENVS + ENVS32
                    for k in ("n", "min", "median", "max")] +
                   ["vigil_over_native", "vigil_over_xen",
                    "arm32_vigil_over_native", "na_reasons"])
        for m, unit, _ in MEASURES:
            row, why = [m, unit], []
            for e in ENVS + ENVS32:
                r = get(e, m)
                if r and "median" in r:
                    row += [r["n"], r["min"], r["median"], r["max"]]
                else:
                    row += ["", "", "", ""]
                    why.append(f"{e}: {r['na'] if r else notes.get(e, '')}")
            for x in (ratio(med("vigil", m), med("native", m)),
                      ratio(med("vigil", m), med("xen", m)),
                      ratio(med("arm32_vigil", m), med("arm32_native", m))):
                row.append("" if x is None else f"{x:.4f}")
            row.append("; ".join(why))
            w.writerow(row)
    (out / "bench.json").write_text(json.dumps(
        {"args": args, "results": results, "notes": notes}, indent=2) + "\n")
    plot(out, results)
    log(f"wrote {out / 'bench.csv'}, {out / 'bench.png'}, "
        f"{out / 'bench.txt'}")
    return 0 if ok else 1


def plot(out, results):
    """Grouped bars of the medians, log scale: latencies, the storm, the
    Linux boot in three panels (gnuplot-nox)."""
    gp = shutil.which("gnuplot")
    if not gp:
        log("gnuplot not found (make deps installs gnuplot-nox): no PNG")
        return
    panels = [("latency (instructions, log; lower is better)",
               [m for m, u, _ in MEASURES
                if u == "insns" and m not in ("linux_boot", "vigil_start")]),
              ("storm: IRQs per 1e9 insns (higher better)",
               ["storm"]),
              ("Linux: insns to the prompt", ["linux_boot"])]
    script = [
        "set terminal pngcairo size 1400,600 font 'sans,10' noenhanced",
        f"set output '{out / 'bench.png'}'",
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.85 border -1",
        "set boxwidth 0.9",
        "set logscale y",
        "set grid ytics",
        "set key top left",
        "set xtics rotate by -25",
        "set multiplot title "
        "'vigil bench: the same guest natively, under vigil and under Xen "
        "4.17 (QEMU virt, -icount shift=0; medians)'",
    ]
    sizes = ["0.0,0.0", "0.6,0.0", "0.8,0.0"]
    widths = ["0.6,0.94", "0.2,0.94", "0.2,0.94"]
    for (title, ms), origin, size in zip(panels, sizes, widths):
        dat = out / f"plot-{ms[0]}.dat"
        valid = 0
        with open(dat, "w") as f:
            f.write("measure native vigil xen\n")
            for m in ms:
                vals = []
                for e in ENVS:
                    r = results.get(e, {}).get(m)
                    ok = r and "median" in r and r["median"] > 0
                    valid += bool(ok)
                    vals.append(str(r["median"]) if ok else "NaN")
                f.write(f"{m} {' '.join(vals)}\n")
        script += [f"set origin {origin}", f"set size {size}",
                   f"set title '{title}'"]
        cols = [(i + 2, e) for i, e in enumerate(ENVS)
                if any(results.get(e, {}).get(m, {}).get("median", 0) > 0
                       for m in ms)]
        if not cols:
            script += ["unset logscale y", "set yrange [0:1]",
                       "set label 1 'not measured' at graph 0.3,0.5",
                       "plot NaN notitle", "unset label 1",
                       "set autoscale y", "set logscale y"]
            continue
        names = {"native": "native", "vigil": "vigil", "xen": "Xen 4.17"}
        colors = {"native": "#4c72b0", "vigil": "#dd8452", "xen": "#55a868"}
        parts = []
        for k, (col, e) in enumerate(cols):
            src = f"'{dat}'" if k == 0 else "''"
            use = f"{col}:xtic(1)" if k == 0 else f"{col}"
            parts.append(f"{src} using {use} title '{names[e]}' "
                         f"lc rgb '{colors[e]}'")
        script.append("plot " + ", ".join(parts))
    script.append("unset multiplot")
    r = subprocess.run([gp], input="\n".join(script) + "\n", text=True,
                       capture_output=True)
    if r.returncode:
        log(f"gnuplot failed: {r.stderr.strip()[-300:]}")


if __name__ == "__main__":
    sys.exit(main())
