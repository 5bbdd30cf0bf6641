/* SPDX-License-Identifier: MIT */
/*
 * The distributor and CPU interface cases that read the same in A64 and
 * A32 (the GICv2 registers are 32-bit words either way): included by
 * hostile/gicd.c and hostile32/gicd.c, which provide result(), the GIC
 * accessors and irq_stats.
 */

/* Every SPI enabled and aimed at vCPU 0: none has a source in this VM. */
static void case_all_spis(void)
{
	uint64_t acked = irq_stats[0].acked;
	unsigned int bad = 0, nr = gic_nr_irqs();

	for (unsigned int n = GIC_NR_PRIVATE; n < nr; n += 4) {
		gicd_write(GICD_IPRIORITYR + n, 0x80808080);
		gicd_write(GICD_ITARGETSR + n, 0x01010101);
	}
	for (unsigned int w = 1; w < nr / 32; w++)
		gicd_write(GICD_ISENABLER + 4 * w, 0xffffffff);
	for (unsigned int w = 1; w < nr / 32; w++)
		if (gicd_read(GICD_ISENABLER + 4 * w) != 0xffffffff)
			bad++;
	irq_unmask();
	delay_ms(5 * QUIET_MS);
	irq_mask();
	for (unsigned int w = 1; w < nr / 32; w++)
		gicd_write(GICD_ICENABLER + 4 * w, 0xffffffff);
	result("gicd.all_spis_enabled.nothing_arrives",
	       bad == 0 && irq_stats[0].acked == acked,
	       "spis=%u enabled-readback-bad=%u irqs-taken=%lu",
	       nr - GIC_NR_PRIVATE, bad,
	       (unsigned long)(irq_stats[0].acked - acked));
}

/* ---- SGIR and C/SPENDSGIR ---- */

static volatile uint32_t sgi_seen[GUEST_MAX_VCPUS];

static void sgi_handler(unsigned int intid, unsigned int src)
{
	(void)intid;
	(void)src;
	sgi_seen[this_vcpu()]++;
}

static uint32_t sgi_total(void)
{
	uint32_t t = 0;

	for (unsigned int i = 0; i < nr_vcpus; i++)
		t += READ_ONCE(sgi_seen[i]);
	return t;
}

static void cases_sgir(void)
{
	uint8_t absent = (uint8_t) ~((1U << nr_vcpus) - 1);
	uint32_t before, v;

	irq_set_handler(SGI_TEST, sgi_handler);
	before = sgi_total();
	irq_unmask();
	gicd_write(GICD_SGIR, (3U << 24) | (0xffU << 16) | SGI_TEST);
	gicd_write(GICD_SGIR, ((uint32_t)absent << 16) | SGI_TEST);
	delay_ms(QUIET_MS);
	irq_mask();
	result("gicd.sgir.reserved_filter_and_absent_targets",
	       sgi_total() == before, "sgis-delivered=%u",
	       sgi_total() - before);

	gicd_write(GICD_SPENDSGIR, absent * 0x01010101U);
	v = gicd_read(GICD_SPENDSGIR);
	gicd_write(GICD_CPENDSGIR, 0xffffffff);
	irq_unmask();
	delay_ms(QUIET_MS);
	irq_mask();
	result("gicd.spendsgir.absent_sources_raz_wi",
	       v == 0 && sgi_total() == before, "spendsgir0=0x%x delivered=%u",
	       v, sgi_total() - before);

	gicd_write(GICD_CTLR, 0xffffffff);
	v = gicd_read(GICD_CTLR);
	gicd_write(GICD_CTLR, 1);
	result("gicd.ctlr.reserved_bits", v == 3 && gicd_read(GICD_CTLR) == 1,
	       "0xffffffff->0x%x", v);

	/* Active state set and cleared by hand on an SGI never taken. */
	gicd_set(GICD_ISACTIVER, SGI_TEST + 1);
	v = gicd_test(GICD_ISACTIVER, SGI_TEST + 1);
	gicd_set(GICD_ICACTIVER, SGI_TEST + 1);
	result("gicd.isactiver.sgi_set_clear",
	       v && !gicd_test(GICD_ISACTIVER, SGI_TEST + 1),
	       "active-after-set=%u", v);
}

/* ---- the CPU interface: EOI / DIR of interrupts never acknowledged ---- */

static void case_gicc_unowned_eoi(void)
{
	uint32_t iar;

	/* RTC_INTID is the bystander's physical SPI: a DIR here must not
	 * deactivate it (only a HW = 1 list register of this vCPU could). */
	gicc_write(GICC_EOIR, RTC_INTID);
	gicc_write(GICC_DIR, RTC_INTID);
	gicc_write(GICC_EOIR, PL011_INTID);
	gicc_write(GICC_DIR, PL011_INTID);
	gicc_write(GICC_EOIR, 1023);
	iar = gicc_read(GICC_IAR);
	result("gicc.eoi_dir_unowned_intids", GICC_IAR_INTID(iar) == 1023,
	       "iar-after=%u", GICC_IAR_INTID(iar));
}
