/* vigil's link map: one image at VIGIL_LOAD_ADDR, loaded by QEMU -kernel or
 * a boot loader as an ARM zImage (header in head.S). */
OUTPUT_ARCH(arm)
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
	.ARM.exidx : { *(.ARM.exidx*) } :text
	. = ALIGN(4096);
	.rodata : { *(.rodata .rodata.*) } :text
	. = ALIGN(8);
	.data : { *(.data .data.*) } :data
	__file_end = .;
	__file_size = __file_end - __image_start;
	. = ALIGN(64);
	__bss_start = .;
	.bss : { *(.bss .bss.*) *(COMMON) }
	. = ALIGN(16);
	__bss_end = .;
	. = ALIGN(4096);
	__stacks_start = .;
	. += 8 * 16384;
	__stacks_end = .;
	__image_end = .;
	__image_size = __image_end - __image_start;
	/DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) *(.ARM.attributes) }
}
