#!/usr/bin/env python3
"""Where vigil's instructions go, exit by exit, from a QEMU execution trace.

QEMU logs every translated block of vigil's image (-d in_asm) and every
execution of one (-d exec, with nochain so that chained blocks are logged
too); -dfilter keeps the guest out. This script splits each CPU's stream at
the lower-EL vectors (el2_vectors + 0x400 .. 0x800: one guest exit each),
sums the instructions of the blocks executed up to the next exit, per
function, and groups the exits by CPU, vector and the set of functions
they ran. Idle time in vigil between two exits (WFI loops) lands in the
earlier exit; the guest's own instructions are not in the trace.

  VIGIL_SMP=2 tools/run-qemu.sh build/qemu-virt-arm64 bench \\
      -icount shift=0,sleep=off -device virtio-rng-device \\
      -append "bench.iters=4 bench.windows=2 bench.window=20 bench.warmup=2" \\
      -d in_asm,exec,nochain -dfilter 0x40080000..0x4009ffff -D trace.log
  tools/trace-exits.py build/qemu-virt-arm64/vigil.elf trace.log [N] [FN,FN]

N: how many exit groups to print (largest first, default 25). FN,FN: also
print, block by block, the first exit that ran all those functions. The
-dfilter range is vigil's text (aarch64-linux-gnu-nm -n vigil.elf); a
4-iteration bench run logs about 300 MB.
"""
import bisect
import collections
import re
import subprocess
import sys


def symbols(elf):
    out = subprocess.run(['aarch64-linux-gnu-nm', '-n', elf],
                         capture_output=True, text=True,
                         check=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in 'tTwW':
            syms.append((int(f[0], 16), f[2]))
    return syms


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    syms = symbols(sys.argv[1])
    addrs = [a for a, _ in syms]
    vec = dict((n, a) for a, n in syms)['el2_vectors']

    def sym(pc):
        i = bisect.bisect_right(addrs, pc) - 1
        return syms[i][1] if i >= 0 else '?'

    size = {}  # block start -> instructions, as last translated
    block, count = None, 0
    exits = collections.defaultdict(list)  # cpu -> [(vector, [(pc, n)])]
    exec_re = re.compile(r'^Trace (\d+): 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/')
    with open(sys.argv[2], errors='replace') as f:
        for line in f:
            if line.startswith('0x'):
                if block is None:
                    block, count = int(line[:line.index(':')], 16), 0
                count += 1
                continue
            if block is not None:
                size[block] = count
                block = None
            m = exec_re.match(line)
            if not m:
                continue
            cpu, pc = int(m.group(1)), int(m.group(2), 16)
            if vec + 0x400 <= pc < vec + 0x800:
                exits[cpu].append((pc - vec, []))
            if exits[cpu]:
                exits[cpu][-1][1].append((pc, size.get(pc, 1)))

    groups = collections.defaultdict(list)
    for cpu, lst in exits.items():
        for v, blocks in lst:
            funcs = collections.OrderedDict()
            for pc, n in blocks:
                funcs[sym(pc)] = funcs.get(sym(pc), 0) + n
            groups[(cpu, v, tuple(sorted(funcs)))].append(funcs)
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    for key, lst in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:limit]:
        tot = sorted(sum(f.values()) for f in lst)
        print('cpu%d vector 0x%x: %d exits, median %d instructions '
              '(%d-%d)' % (key[0], key[1], len(lst), tot[len(tot) // 2],
                           tot[0], tot[-1]))
        print('   ' + ', '.join('%s %d' % kv for kv in
                                lst[len(lst) // 2].items()))
    if len(sys.argv) > 4:
        want = sys.argv[4].split(',')
        for lst in exits.values():
            for v, blocks in lst:
                if all(w in set(sym(pc) for pc, _ in blocks) for w in want):
                    for pc, n in blocks:
                        print('  %x %3d %s' % (pc, n, sym(pc)))
                    return


if __name__ == '__main__':
    main()
