/* vigil's link map: one image linked at VIGIL_LOAD_ADDR, loaded by QEMU
 * -kernel or a boot loader as an arm64 Image (header in head.S) wherever
 * it likes; head.S applies .rela.dyn for where that is. */
OUTPUT_ARCH(aarch64)
ENTRY(_start)

PHDRS
{
	text PT_LOAD FLAGS(5);
	data PT_LOAD FLAGS(6);
}

SECTIONS
{
	. = VIGIL_LOAD_ADDR;
	__image_start = .;
	.text : {
		KEEP(*(.text.head))
		*(.text .text.*)
	} :text
	. = ALIGN(4096);
	.rodata : { *(.rodata .rodata.*) } :text
	/* The relocations head.S applies at boot (all R_AARCH64_RELATIVE). */
	. = ALIGN(8);
	.rela.dyn : {
		__rela_start = .;
		*(.rela .rela.*)
		__rela_end = .;
	} :text
	. = ALIGN(8);
	.data : { *(.data .data.*) *(.got .got.*) } :data
	__file_end = .;
	. = ALIGN(64);
	__bss_start = .;
	.bss : { *(.bss .bss.*) *(COMMON) }
	. = ALIGN(64); /* head.S zeroes 64 bytes a round */
	__bss_end = .;
	. = ALIGN(4096);
	__stacks_start = .;
	. += 8 * 16384;
	__stacks_end = .;
	__image_end = .;
	__image_size = __image_end - __image_start;
	/DISCARD/ : {
		*(.comment) *(.note*) *(.eh_frame*)
		*(.interp .dynamic .dynsym .dynstr .hash .gnu.hash)
	}
}
