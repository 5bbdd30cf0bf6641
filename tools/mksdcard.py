#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write a Raspberry Pi 4 boot-partition directory for vigil
(`make sdcard PLATFORM=rpi4`; docs/boards.md says how to use it).

    tools/mksdcard.py [--uart PATH] OUT_DIR VIGIL_BIN IMAGE INITRAMFS HOST_DTB

OUT_DIR gets, to copy onto the FAT boot partition beside the Pi
firmware (start4.elf, fixup4.dat):

- config.txt: 64-bit, vigil.bin as the kernel, the GIC on, the mini UART
  on GPIO 14/15 for vigil's console, UART3 on GPIO 4/5 for the guest's,
  the DTB at 0x08000000 and guest.img at 0x10000000 (both where QEMU's
  raspi4b puts them);
- vigil.bin;
- guest.img: the guest's arm64 Image, then its initramfs at the next
  2 MiB boundary past the Image's image_size;
- bcm2711-rpi-4-b.dtb: HOST_DTB with a /hypervisor node (docs/config.md)
  for one VM, `linux`, on the four CPUs, 512 MiB from 0x10000000, that
  names the image (with its CRC-32) and the initrd, and whose console is
  a PL011 of its own, passed through: UART3 (GPIO 4/5, header pins 7 and
  29), enabled here and made serial0 so Linux calls it ttyAMA0. vigil's
  mini UART keeps GPIO 14/15; the first PL011 is wired to the Bluetooth
  chip on the board, and vigil's vUART needs a PL011 console of vigil's.

--uart PATH gives the VM another PL011 (QEMU's raspi4b has only the
first, /soc/serial@7e201000: tests/system/test_rpi4_linux.py boots the
directory so).
"""
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

RAM_BASE = 0x10000000
RAM_SIZE = 0x20000000  # fits the 1 GiB board's first bank, and every other
ALIGN = 0x200000

CONFIG_TXT = """\
# vigil on a Raspberry Pi 4 (tools/mksdcard.py, docs/boards.md)
arm_64bit=1
enable_gic=1
enable_uart=1
kernel=vigil.bin
device_tree=bcm2711-rpi-4-b.dtb
device_tree_address=0x08000000
initramfs guest.img 0x{ram:08x}
{gpio}"""

UART3 = "/soc/serial@7e201600"
UART3_GPIO = "# UART3 (the guest's console) on GPIO 4/5: ALT4, no pulls\ngpio=4-5=a4,pn\n"

FRAGMENT = """
/ {{
	aliases {{
		serial0 = "{uart}";
	}};
	hypervisor {{
		compatible = "vigil,hypervisor";
		vm@0 {{
			compatible = "vigil,vm";
			label = "linux";
			vcpus = <4>;
			memory = <0x0 0x{ram:x} 0x0 0x{size:x}>;
			image = <0x0 0x{ram:x} 0x0 0x{img:x}>;
			image-crc32 = <0x{crc:08x}>;
			initrd = <0x0 0x{rd:x} 0x0 0x{rdsize:x}>;
			bootargs = "console=ttyAMA0";
			devices = "{uart}";
		}};
	}};
}};
&{{{uart}}} {{
	status = "okay";
}};
"""


def main(argv):
    uart = UART3
    if len(argv) > 2 and argv[1] == "--uart":
        uart = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) != 6:
        sys.exit(__doc__.split("\n\n")[1])
    out, vigil, image, initrd, dtb = map(Path, argv[1:])
    img = image.read_bytes()
    if img[56:60] != b"ARM\x64":
        sys.exit(f"{image}: not an arm64 Image")
    image_size = struct.unpack_from("<Q", img, 16)[0]
    rd = initrd.read_bytes()
    rd_off = -(-max(image_size, len(img)) // ALIGN) * ALIGN
    if rd_off + len(rd) > RAM_SIZE - ALIGN:  # the top 2 MiB: guest DTB
        sys.exit("guest.img does not fit the VM's RAM")
    out.mkdir(parents=True, exist_ok=True)
    (out / "guest.img").write_bytes(img + bytes(rd_off - len(img)) + rd)
    shutil.copyfile(vigil, out / "vigil.bin")
    (out / "config.txt").write_text(CONFIG_TXT.format(
        ram=RAM_BASE, gpio=UART3_GPIO if uart == UART3 else ""))
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)],
                         check=True, capture_output=True, text=True).stdout
    dts += FRAGMENT.format(ram=RAM_BASE, size=RAM_SIZE, img=len(img),
                           crc=zlib.crc32(img), rd=RAM_BASE + rd_off,
                           rdsize=len(rd), uart=uart)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                    str(out / "bcm2711-rpi-4-b.dtb"), "-"], input=dts,
                   check=True, text=True)
    print(f"{out}: config.txt vigil.bin guest.img bcm2711-rpi-4-b.dtb")


if __name__ == "__main__":
    main(sys.argv)
