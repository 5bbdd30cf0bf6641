/* SPDX-License-Identifier: MIT */
/*
 * storm: an interrupt storm from a virtio device's SPI while vCPU 0 keeps
 * moving that SPI between vCPUs (issue 3, DESIGN §3.1).
 *
 * A small virtio-mmio driver keeps every descriptor of a virtio-rng queue in
 * flight. The SPI goes to whichever vCPU GICD_ITARGETSR names; its handler
 * acknowledges InterruptStatus, harvests the used ring, counts completions
 * per vCPU and re-posts each buffer until the interrupt target is reached.
 * Meanwhile vCPU 0 writes the SPI's ITARGETSR byte to the next vCPU every
 * few interrupts. At the end: completions == requests, no buffer completed
 * twice, every vCPU handled some, spurious IRQs within the allowance.
 *
 * Parameters, from /chosen/bootargs (QEMU -append), with defaults:
 *   storm.irqs=50000   interrupts to reach before posting stops
 *   storm.every=4      interrupts between two ITARGETSR moves
 *   storm.device=4     virtio device ID: 4 rng (-device virtio-rng-device)
 *                      or 2 block (a READ of sector 0 per request; e.g.
 *                      -blockdev null-co,node-name=n0,read-zeroes=on
 *                      -device virtio-blk-device,drive=n0)
 *   storm.queue=4      requests in flight (at most 64 descriptors: 64
 *                      rng requests, 21 block requests)
 *   storm.buf=8        bytes per rng request
 *   storm.relatch=N    after a move, re-pend a pending SPI (ICPENDR then
 *                      ISPENDR). Default: on natively, off under vigil.
 *                      QEMU's GICv2 latches a pending edge SPI to its old
 *                      target (DESIGN §3); vigil re-latches itself.
 *   storm.pl011=1      the DTB's first PL011 in loopback instead of a
 *                      virtio device, for a board without virtio-mmio
 *                      (QEMU's raspi4b): a request is a byte written to
 *                      UARTDR, its completion the byte read back from the
 *                      receive FIFO, whose level RX interrupt is the SPI
 *                      (storm.queue at most 8: the FIFO holds 16).
 */
#include "guest_gic.h"
#include "guest_virtio.h"

#define STALL_MS 5000
#define WAIT_MS 5000
#define BUF_MAX 64
#define SGI_WAKE 0

struct vcpu_count {
	volatile uint64_t irqs;	       /* storm SPI acknowledged here */
	volatile uint64_t completions; /* used entries harvested here */
	volatile uint64_t empty;       /* SPI with nothing to harvest */
};

static struct {
	uint64_t irqs, every, device, queue, buf;
	bool relatch;
} cfg;

static struct virtio_dev dev;
static struct virtq_mem vq_mem;
static uint8_t bufs[VIRTQ_MAX][BUF_MAX] __attribute__((aligned(64)));

/* virtio-blk requests (virtio 1.1 §5.2.6): header, data, status. */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_S_OK 0
#define BLK_SECTOR 512
struct blk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};
static struct blk_hdr blk_hdr[VIRTQ_MAX];
static uint8_t blk_data[VIRTQ_MAX][BLK_SECTOR] __attribute__((aligned(64)));
static volatile uint8_t blk_status[VIRTQ_MAX];
/* Descriptors per request: 1 (rng) or 3 (block); request k's head is
 * k * descs_per_req. */
static unsigned int descs_per_req = 1;

/* vq_lock guards the virtqueue, in_flight[], posted, completed, dups. It is
 * taken in the SPI handler (any vCPU) and by vCPU 0 with IRQs masked. */
static struct bakery_lock vq_lock;
static volatile uint8_t in_flight[VIRTQ_MAX];
static volatile uint64_t posted, completed, dups, bad_len;
static volatile bool stop_posting;

/*
 * The PL011 source (PL011 TRM, ARM DDI 0183): in loopback (UARTCR.LBE,
 * §3.3.8) a byte written to UARTDR enters the receive FIFO, and with
 * UARTIMSC.RXIM the level UARTRXINTR stays high until the FIFO is read
 * empty. Bytes carry a running sequence number: one lost, doubled or
 * reordered breaks the sequence and counts in dups; an error flag in
 * UARTDR[11:8] counts in bad_len.
 */
#define UART_DR 0x00
#define UART_DR_ERRORS 0xf00U
#define UART_FR 0x18
#define UART_FR_RXFE (1U << 4)
#define UART_LCRH 0x2c
#define UART_LCRH_FEN (1U << 4)
#define UART_LCRH_WLEN8 (3U << 5)
#define UART_CR 0x30
#define UART_CR_EN (1U << 0)
#define UART_CR_LBE (1U << 7)
#define UART_CR_TXE (1U << 8)
#define UART_CR_RXE (1U << 9)
#define UART_IMSC 0x38
#define UART_INT_RX (1U << 4)
#define UART_RIS 0x3c
#define UART_ICR 0x44
#define UART_QUEUE_MAX 8

static bool use_uart;
static volatile uint8_t uart_tx_seq, uart_rx_seq; /* under vq_lock */

static uint32_t uart_read(uint32_t off)
{
	return *(volatile uint32_t *)(dev.base + off);
}

static void uart_write(uint32_t off, uint32_t v)
{
	dsb_sy();
	*(volatile uint32_t *)(dev.base + off) = v;
}

static struct vcpu_count count[GUEST_MAX_VCPUS];
static volatile uint8_t cpu_mask[GUEST_MAX_VCPUS];
static volatile uint32_t vcpu_up[GUEST_MAX_VCPUS];
static volatile uint32_t vcpu_exited[GUEST_MAX_VCPUS];
static volatile bool storm_done;
static unsigned int nr_vcpus;

static uint64_t irq_total(void)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < nr_vcpus; i++)
		sum += READ_ONCE(count[i].irqs);
	return sum;
}

/* Whether the completed request at @head is what the device should have
 * written. */
static bool request_ok(uint32_t head, uint32_t len)
{
	if (cfg.device == VIRTIO_ID_BLOCK)
		return blk_status[head] == VIRTIO_BLK_S_OK;
	return len >= 1 && len <= cfg.buf;
}

static void post_locked(uint16_t id)
{
	if (use_uart) {
		uart_write(UART_DR, uart_tx_seq++);
		posted++;
		return;
	}
	if (cfg.device == VIRTIO_ID_BLOCK)
		blk_status[id] = 0xff; /* the device overwrites it */
	in_flight[id] = 1;
	virtq_post(&dev, id);
	posted++;
}

/* vCPU 0's rotation state: touched by its main loop with IRQs masked and
 * by its SPI handler. */
static struct {
	uint64_t last_move, moves, relatches;
	unsigned int target;
} rot;

static void maybe_rotate(void);

/* The PL011's handler: read the FIFO empty (that drops the line), send
 * as many bytes as came back. */
static uint64_t uart_harvest_locked(void)
{
	uint64_t n = 0, i;
	uint32_t b;

	while (!(uart_read(UART_FR) & UART_FR_RXFE)) {
		b = uart_read(UART_DR);
		if (b & UART_DR_ERRORS)
			bad_len++;
		else if ((uint8_t)b != uart_rx_seq)
			dups++;
		uart_rx_seq = (uint8_t)(b + 1);
		n++;
	}
	for (i = 0; i < n && !stop_posting; i++)
		post_locked(0);
	return n;
}

static void storm_irq(unsigned int intid, unsigned int src)
{
	struct vcpu_count *c = &count[this_vcpu()];
	uint32_t id, len;
	uint64_t n = 0, reposted = 0;

	(void)intid;
	(void)src;
	c->irqs++;
	bakery_lock(&vq_lock);
	if (use_uart) {
		if (!stop_posting && irq_total() >= cfg.irqs)
			stop_posting = true;
		n = uart_harvest_locked();
		completed += n;
		goto unlock;
	}
	/* Acknowledge first, then harvest: a completion after the ACK
	 * raises the line again, one before it is harvested below. */
	virtio_irq_ack(&dev);
	if (!stop_posting && irq_total() >= cfg.irqs)
		stop_posting = true;
	while (virtq_harvest(&dev, &id, &len)) {
		if (id >= dev.qsize || id % descs_per_req || !in_flight[id]) {
			dups++;
			continue;
		}
		in_flight[id] = 0;
		n++;
		if (!request_ok(id, len))
			bad_len++;
		if (!stop_posting) {
			post_locked((uint16_t)id);
			reposted++;
		}
	}
	completed += n;
	if (reposted)
		virtq_kick(&dev);
unlock:
	bakery_unlock(&vq_lock);
	c->completions += n;
	if (!n)
		c->empty++;
	/* The dispatcher keeps acking while the SPI keeps firing: vCPU 0
	 * must rotate from here too or the SPI stays with it. */
	if (this_vcpu() == 0)
		maybe_rotate();
}

static void wake_irq(unsigned int intid, unsigned int src)
{
	(void)intid;
	(void)src;
}

static void secondary(unsigned int idx)
{
	gic_cpu_init(false);
	cpu_mask[idx] = gic_cpu_mask();
	dsb_sy();
	vcpu_up[idx] = 1;
	irq_unmask();
	/* Idle like Linux: WFI until the storm ends (SGI_WAKE then). */
	while (!READ_ONCE(storm_done))
		wfi();
	irq_mask();
	dsb_sy();
	vcpu_exited[idx] = 1;
}

static unsigned int start_secondaries(void)
{
	uint64_t deadline;
	unsigned int n, i;

	for (n = 1; n < GUEST_MAX_VCPUS; n++) {
		if (vcpu_start(n, secondary) != PSCI_SUCCESS)
			break;
	}
	deadline = deadline_ms(WAIT_MS);
	for (i = 1; i < n; i++) {
		while (!READ_ONCE(vcpu_up[i]) && !deadline_passed(deadline))
			cpu_relax();
		if (!READ_ONCE(vcpu_up[i]))
			gprintf("storm: vcpu %u TIMEOUT coming up\n", i);
	}
	return n;
}

static void read_config(uint64_t dtb)
{
	cfg.irqs = bootarg_u64(dtb, "storm.irqs", 50000);
	cfg.every = bootarg_u64(dtb, "storm.every", 4);
	cfg.device = bootarg_u64(dtb, "storm.device", VIRTIO_ID_RNG);
	cfg.queue = bootarg_u64(dtb, "storm.queue", 4);
	cfg.buf = bootarg_u64(dtb, "storm.buf", 8);
	cfg.relatch = bootarg_u64(dtb, "storm.relatch", !vigil_present());
	use_uart = bootarg_u64(dtb, "storm.pl011", 0) != 0;
	if (!cfg.every)
		cfg.every = 1;
	if (cfg.buf < 1 || cfg.buf > BUF_MAX)
		cfg.buf = 8;
}

/* Moves the SPI to @vcpu; returns true if it re-latched a pending one. */
static bool move_spi(unsigned int vcpu)
{
	gic_irq_set_targets(dev.intid, cpu_mask[vcpu]);
	if (!cfg.relatch || !gicd_test(GICD_ISPENDR, dev.intid))
		return false;
	gicd_set(GICD_ICPENDR, dev.intid);
	gicd_set(GICD_ISPENDR, dev.intid);
	return true;
}

static void fill_queue(void)
{
	uint64_t flags = irq_save();
	uint16_t id;

	bakery_lock(&vq_lock);
	if (use_uart) {
		for (id = 0; id < cfg.queue; id++)
			post_locked(id);
		goto unlock;
	}
	for (id = 0; id + descs_per_req <= dev.qsize; id += descs_per_req) {
		if (cfg.device == VIRTIO_ID_BLOCK) {
			blk_hdr[id].type = VIRTIO_BLK_T_IN;
			blk_hdr[id].sector = 0;
			virtq_set_desc(&dev, id, &blk_hdr[id],
				       sizeof(blk_hdr[id]), VRING_DESC_F_NEXT);
			virtq_set_desc(&dev, id + 1, blk_data[id], BLK_SECTOR,
				       VRING_DESC_F_WRITE | VRING_DESC_F_NEXT);
			virtq_set_desc(&dev, id + 2, (void *)&blk_status[id], 1,
				       VRING_DESC_F_WRITE);
		} else {
			virtq_set_desc(&dev, id, bufs[id], (uint32_t)cfg.buf,
				       VRING_DESC_F_WRITE);
		}
		post_locked(id);
	}
	virtq_kick(&dev);
unlock:
	bakery_unlock(&vq_lock);
	irq_restore(flags);
}

/* vCPU 0, IRQs masked: every cfg.every interrupts, move the SPI on. */
static void maybe_rotate(void)
{
	uint64_t total = irq_total();

	if (total - rot.last_move < cfg.every)
		return;
	rot.last_move = total;
	rot.target = (rot.target + 1) % nr_vcpus;
	if (move_spi(rot.target))
		rot.relatches++;
	rot.moves++;
}

struct storm_result {
	uint64_t moves, relatches, elapsed_ms;
	bool stalled;
};

/* vCPU 0 during the storm: rotate the SPI, watch for the end or a stall. */
static void storm_loop(struct storm_result *r)
{
	uint64_t start = counter_read(), last_done = 0;
	uint64_t progress_at = start, stall = deadline_ms(STALL_MS) - start;

	for (;;) {
		uint64_t flags = irq_save(), now, done;

		maybe_rotate();
		irq_restore(flags);
		done = READ_ONCE(completed);
		now = counter_read();
		if (READ_ONCE(stop_posting) && done == READ_ONCE(posted))
			break;
		if (done != last_done) {
			last_done = done;
			progress_at = now;
		} else if (now - progress_at > stall) {
			r->stalled = true;
			break;
		}
		cpu_relax();
	}
	r->elapsed_ms = (counter_read() - start) * 1000 / timer_freq();
	r->moves = rot.moves;
	r->relatches = rot.relatches;
}

static unsigned long daif_now(void)
{
	unsigned long v;

	v = read_sysreg(daif); /* CPSR in A32 */
	return v;
}

static void report_stall(void)
{
	if (use_uart)
		gprintf("storm: STALLED posted=%llu completed=%llu fr=0x%x "
			"ris=0x%x\n",
			ULL(posted), ULL(completed), uart_read(UART_FR),
			uart_read(UART_RIS));
	else
		gprintf("storm: STALLED posted=%llu completed=%llu "
			"used.idx=%u last_used=%u isr=0x%x\n",
			ULL(posted), ULL(completed), READ_ONCE(dev.used->idx),
			dev.last_used,
			virtio_read(&dev, VIRTIO_MMIO_INTERRUPT_STATUS));
	gprintf("storm: STALLED intid=%u enabled=%d pending=%d active=%d "
		"itargetsr=0x%x\n",
		dev.intid, gicd_test(GICD_ISENABLER, dev.intid),
		gicd_test(GICD_ISPENDR, dev.intid),
		gicd_test(GICD_ISACTIVER, dev.intid),
		gicd_read8(GICD_ITARGETSR + dev.intid));
	gprintf("storm: STALLED gicc hppir=0x%x rpr=0x%x pmr=0x%x ctlr=0x%x "
		"daif=0x%lx\n",
		gicc_read(0x18), gicc_read(0x14), gicc_read(GICC_PMR),
		gicc_read(GICC_CTLR), daif_now());
	/* Ask vigil (if it is there) to print this pCPU's GICH state. */
	hvc_call(0xC6000002, 0, 0, 0);
}

static void stop_secondaries(void)
{
	uint64_t deadline;
	unsigned int i;

	storm_done = true;
	dsb_sy();
	if (nr_vcpus > 1)
		gic_send_sgi(GICD_SGIR_FILTER_OTHERS, 0, SGI_WAKE);
	deadline = deadline_ms(WAIT_MS);
	for (i = 1; i < nr_vcpus; i++) {
		while (!READ_ONCE(vcpu_exited[i]) && !deadline_passed(deadline))
			cpu_relax();
		if (!READ_ONCE(vcpu_exited[i]))
			gprintf("storm: vcpu %u TIMEOUT stopping\n", i);
	}
}

/* Prints the summary; returns true if every check passed. */
static bool report(const struct storm_result *r)
{
	uint64_t total = irq_total(), spurious = 0, empty = 0;
	char per[96], *p = per;
	bool all_handled = true, ok;
	unsigned int i;

	for (i = 0; i < nr_vcpus; i++) {
		const struct irq_stats *st = &irq_stats[i];

		gprintf("storm: vcpu %u irqs=%llu completions=%llu "
			"empty=%llu exceptions=%llu spurious=%llu\n",
			i, ULL(count[i].irqs), ULL(count[i].completions),
			ULL(count[i].empty), ULL(st->exceptions),
			ULL(st->spurious));
		spurious += st->spurious;
		empty += count[i].empty;
		if (!count[i].irqs)
			all_handled = false;
		p += snprintf(p, (size_t)(per + sizeof(per) - p), "%s%llu",
			      i ? "," : "", ULL(count[i].irqs));
	}
	gprintf("storm: requests=%llu completions=%llu dups=%llu "
		"bad_len=%llu moves=%llu relatches=%llu spurious=%llu "
		"empty=%llu\n",
		ULL(posted), ULL(completed), ULL(dups), ULL(bad_len),
		ULL(r->moves), ULL(r->relatches), ULL(spurious), ULL(empty));
	gprintf("storm: elapsed_ms=%llu rate=%llu irq/s\n", ULL(r->elapsed_ms),
		ULL(r->elapsed_ms ? total * 1000 / r->elapsed_ms : 0));

	/*
	 * Spurious allowance (GICv2 §3.2.5 / §4.4.4): an IRQ signalled to a
	 * CPU interface can stop being pending for it before the IAR read,
	 * here because vCPU 0 moved it; each move can strand at most one
	 * signalled instance, so spurious <= moves.
	 */
	ok = !r->stalled && completed == posted && !dups && !bad_len &&
	     all_handled && total >= cfg.irqs && spurious <= r->moves;
	if (!ok)
		gprintf("storm: FAIL%s%s%s%s%s%s\n",
			r->stalled ? " stalled" : "",
			completed != posted ? " completions!=requests" : "",
			dups ? " dup-completions" : "",
			bad_len ? " bad-length" : "",
			!all_handled ? " idle-vcpu" : "",
			spurious > r->moves ? " spurious>moves" : "");
	gprintf("storm: %s total=%llu requests=%llu completions=%llu "
		"moves=%llu spurious=%llu per-vcpu=%s\n",
		ok ? "PASS" : "FAIL", ULL(total), ULL(posted), ULL(completed),
		ULL(r->moves), ULL(spurious), per);
	return ok;
}

/* The virtio source: the device's queue 0 with cfg.queue requests. */
static bool virtio_source_setup(uint64_t dtb)
{
	int ret;

	if (!virtio_find(dtb, (uint32_t)cfg.device, 0, &dev)) {
		gprintf("storm: FAIL no virtio device %llu found\n",
			ULL(cfg.device));
		return false;
	}
	if (cfg.device == VIRTIO_ID_BLOCK)
		descs_per_req = 3;
	if (cfg.queue < 1 || cfg.queue * descs_per_req > VIRTQ_MAX)
		cfg.queue = VIRTQ_MAX / descs_per_req;
	ret = virtio_setup(&dev, &vq_mem,
			   (unsigned int)(cfg.queue * descs_per_req));
	gprintf("storm: virtio device %u at 0x%llx (transport %u) version %u "
		"intid %u %s queue %u -> %d\n",
		dev.device_id, ULL(dev.base), dev.index, dev.version, dev.intid,
		dev.edge ? "edge" : "level", dev.qsize, ret);
	if (ret)
		gprintf("storm: FAIL virtio setup step %d\n", -ret);
	return !ret;
}

/* The PL011 source: the DTB's first PL011, in loopback, FIFO on, only
 * the RX interrupt unmasked, the receive FIFO read empty. */
static bool uart_setup(uint64_t dtb)
{
	int node = fdt_next_compatible(dtb, -1, "arm,pl011"), len;
	const void *irq =
		node >= 0 ? fdt_prop(dtb, node, "interrupts", &len) : NULL;

	if (!irq || len < 12 || fdt_cell(irq, 0) != 0 /* SPI */) {
		gprintf("storm: FAIL no PL011 with an SPI in the DTB\n");
		return false;
	}
	dev.base = (uintptr_t)fdt_reg_addr(dtb, node, 0);
	dev.intid = 32 + fdt_cell(irq, 1);
	/* Flags 1 / 2: edge; 4 / 8: level (GIC binding). */
	dev.edge = (fdt_cell(irq, 2) & 0xf) <= 2;
	if (cfg.queue < 1 || cfg.queue > UART_QUEUE_MAX)
		cfg.queue = UART_QUEUE_MAX;
	dev.qsize = (unsigned int)cfg.queue;
	if (!dev.base) {
		gprintf("storm: FAIL PL011 reg not translatable\n");
		return false;
	}
	uart_write(UART_IMSC, 0);
	uart_write(UART_CR, 0);
	uart_write(UART_LCRH, UART_LCRH_FEN | UART_LCRH_WLEN8);
	uart_write(UART_CR,
		   UART_CR_EN | UART_CR_TXE | UART_CR_RXE | UART_CR_LBE);
	while (!(uart_read(UART_FR) & UART_FR_RXFE))
		(void)uart_read(UART_DR);
	uart_write(UART_ICR, 0x7ff);
	uart_write(UART_IMSC, UART_INT_RX);
	gprintf("storm: PL011 loopback at 0x%llx intid %u %s queue %u\n",
		ULL(dev.base), dev.intid, dev.edge ? "edge" : "level",
		dev.qsize);
	return true;
}

int main(uint64_t dtb)
{
	struct storm_result r = {0};

	read_config(dtb);
	gic_probe(dtb);
	gprintf("storm: %s, gicd=0x%llx gicc=0x%llx irqs=%llu every=%llu "
		"relatch=%d\n",
		vigil_present() ? "under vigil" : "native", ULL(gic_dist_base),
		ULL(gic_cpu_base), ULL(cfg.irqs), ULL(cfg.every), cfg.relatch);
	if (!(use_uart ? uart_setup(dtb) : virtio_source_setup(dtb)))
		return 1;

	gic_dist_enable();
	gic_cpu_init(false);
	cpu_mask[0] = gic_cpu_mask();
	irq_set_handler(SGI_WAKE, wake_irq);
	irq_set_handler(dev.intid, storm_irq);
	nr_vcpus = start_secondaries();
	gprintf("storm: %u vcpus\n", nr_vcpus);

	gic_irq_set_edge(dev.intid, dev.edge);
	gic_irq_set_priority(dev.intid, 0xa0);
	gic_irq_set_targets(dev.intid, cpu_mask[0]);
	gic_irq_enable(dev.intid);
	fill_queue();
	irq_unmask();
	storm_loop(&r);
	irq_mask();
	if (r.stalled)
		report_stall();
	gic_irq_disable(dev.intid);
	stop_secondaries();
	report(&r);
	return 0;
}
