/*
 * A Promela model of vigil's ITARGETSR migration protocol (DESIGN §3.1,
 * vgic/migrate.c, vgic/lr.c, vgic/vgic.c) and per-CPU passthrough softirqs
 * (DESIGN §4, softirq/softirq.c, vgic/passthrough.c), with the VM reset
 * that unbinds them (core/vm.c, gic/vgic_glue.c, sched/sched.c). Checked
 * with spin by tests/model/check.sh: `make model-check` (part of make
 * test), `make model-check MODEL_FULL=1` for the full bounds.
 *
 * The system: one VM with two vCPUs, vCPU v pinned to pCPU v, one list
 * register each, and one passthrough SPI: a physical edge SPI bound to a
 * virtual SPI (HW). The device fires NFIRES edges; the guest acknowledges
 * and EOIs whatever its LRs hold, writes ITARGETSR (vCPU 0 or 1) NWRITES
 * times and ISPENDR NPENDS times from either vCPU, and vCPU 0 asks for
 * SYSTEM_RESET NRESETS times (then CPU_ONs vCPU 1 again); each vCPU takes
 * NEXITS extra exits and NQUICK traps that vcpu_run() answers
 * without an exit round (a constant HVC, a quick distributor access: the
 * fast re-entry, sched_may_reenter()). All of it runs concurrently with vigil's entry
 * (vgic_flush_lrs), exit (vgic_sync_lrs), maintenance IRQ, hard-IRQ path
 * (in guest mode and at EL2 with IRQs open) and softirqs on both pCPUs.
 *
 * The physical GIC comes in two flavours (-DQEMU_GIC=0/1):
 *  - GIC-400: an SPI is active or not; the LR of a passthrough IRQ is HW = 1
 *    and the guest's EOI deactivates it (vgic_hw_lrs = true);
 *  - QEMU 7.2: active state is per CPU, so after a retarget another pCPU
 *    can take a second instance while the first is active; LRs are HW = 0
 *    with the EOI bit and vigil deactivates through GICD_ICACTIVER, which
 *    ends every CPU's instance (platform.gic_no_hw_lrs).
 *
 * Granularity: a critical section under a vCPU's vgic lock is one d_step
 * (the lock serialises them and every change to the IRQ happens under the
 * lock of its dest vCPU, so they are linearisable); so is a CAS on the
 * softirq descriptor's state word, a power_lock section, and a pCPU's
 * work with IRQs masked. What C does between two critical sections
 * (unlock, then kick, or queue on another vCPU) is a separate step here
 * too, so the other pCPU interleaves. Each inline and step names the C
 * function it stands for: change the two together.
 *
 * Properties:
 *  - after every step (inv()): the IRQ is never on two vCPUs' lists nor in
 *    two LRs, its lists and its LR belong to its owner, a queued IRQ holds
 *    no LR, MIGRATING means "in exactly one LR, never queued", owner !=
 *    none => target == owner, a descriptor on a pCPU's list is SCHEDULED,
 *    and (GIC-400) vigil owes a deactivation only for an active SPI;
 *  - at the step: a guest acknowledge never delivers more interrupts than
 *    were raised (no duplicate: every edge and ISPENDR is a token that
 *    travels softirq -> PENDING -> LR -> acknowledge, or is dropped by a
 *    reset or while unbound), a softirq descriptor is run only when
 *    SCHEDULED and never while RUNNING, and (GIC-400) no deactivation of
 *    an inactive SPI and no second instance injected over the first;
 *  - at quiescence (spin's timeout: nothing can run any more): no token
 *    left (no loss), the physical SPI neither pending nor active, nothing
 *    queued, pending or MIGRATING in the vGIC, the descriptor bound and
 *    idle, and the IRQ (virtual and physical) where the last ITARGETSR
 *    write sent it;
 *  - LTL unbind_ends with weak fairness (pan -a -f): a VM reset's
 *    vgic_pt_unbind() -EAGAIN loop always ends.
 *
 * Mutants (check.sh expects each to be caught; make test runs the first
 * three, BREAK_IRQ_REENTRY, BREAK_RUN_HERE, BREAK_FLUSH_LIGHT and
 * BREAK_INJECT_HERE):
 *  - BREAK_MIGRATING_GUARD: vgic_irq_set_targets() without its MIGRATING
 *    branch: a second write, back to the old vCPU, is taken for "target
 *    unchanged" and the move completes to the stale target (assertion:
 *    last ITARGETSR write wins);
 *  - BREAK_SCHEDULED (QEMU_GIC=1): softirq_pt_raise() without the
 *    SCHEDULED coalescing: a second pCPU queues the descriptor that the
 *    first has spliced and not yet run; one runs it and the other finds it
 *    not SCHEDULED (assertion in softirq_pt_run_one()). On GIC-400 the
 *    coalescing is unreachable: a second instance cannot be taken before
 *    the injection of the first (no violation there);
 *  - BREAK_IDLE_SOFTIRQ: a pCPU whose vCPU is off does not run softirqs in
 *    its idle loop: the reset's unbind loop spins forever (acceptance
 *    cycle of unbind_ends);
 *  - BREAK_RUNNING: softirq_pt_raise() queues a RUNNING descriptor instead
 *    of leaving the rerun to its runner (assertion in run_one);
 *  - BREAK_HANDOVER: the move leaves the IRQ on the old vCPU's inflight
 *    list (inv());
 *  - BREAK_REROUTE: a completed move does not re-route the physical SPI to
 *    the new vCPU's pCPU (last write wins, physically);
 *  - BREAK_STOP_RACE: sched_run_vcpu() as it was: state checked without
 *    power_lock, running_on published after it; vm_stop_vcpus() could miss
 *    a vCPU about to enter (no kick) and wait for its next exit, or go on
 *    with it entering on the vGIC being reset. Found by this model, fixed
 *    in sched/sched.c and core/vm.c;
 *  - BREAK_HW_REPEND: lrs_request_eoi() as it was, skipping HW = 1 LRs: an
 *    ISPENDR of a passthrough SPI behind the HW LR of a running vCPU was
 *    not delivered after the guest's EOI (token left at quiescence).
 *    Found by this model, fixed in vgic/lr.c.
 *  - BREAK_RUN_HERE: softirq_pt_run_here() from any bound state, not only
 *    from BOUND alone: a descriptor queued on a softirq list or running
 *    on the other pCPU runs twice at once.
 *  - BREAK_IRQ_REENTRY: vcpu_run() back into the guest after an
 *    IRQ exit without looking for a pending softirq: a passthrough edge
 *    taken in that exit waits in the softirq until some later exit
 *    (token left at quiescence).
 *  - BREAK_FLUSH_LIGHT (issue 16): lrs_flush_light() without the
 *    flush_work test, on an empty lr_pending alone: an ISPENDR re-pend
 *    behind the LR of a vCPU loaded on the other pCPU is kicked there,
 *    but the IRQ exit's flush does not give the LR the EOI bit, and the
 *    re-pend waits for an exit that never comes (token left).
 *  - BREAK_INJECT_HERE (issue 16): vgic_irq_inject_here() without its
 *    "in no LR" tests: an instance taken while the previous one is still
 *    in the LR is written over it (the IRQ in an LR and not on inflight:
 *    the assertion in inject_here).
 * Not caught, because the code does not need them (the model shows the
 * protocol correct without): BREAK_MIGRATING_QUEUE (the MIGRATING test in
 * vgic_irq_wants_lr(): nr_lrs != 0 already keeps a MIGRATING SPI off
 * lr_pending) and BREAK_UNBIND_SOFTIRQ (softirq_run() in vgic_vm_reset()'s
 * retry loop: the resetting pCPU's own list is empty then, since it
 * entered the guest with no softirq pending and takes no IRQ in the HVC
 * handler; the other pCPUs run theirs).
 *
 * State space (spin 6.5.2, exhaustive, NFIRES=2 NRESETS=1 NEXITS=0),
 * with issue 16's direct injection and flush_work: GIC-400 NWRITES=2
 * NPENDS=0: 3.5M states; QEMU the same: 4.6M; GIC-400 NWRITES=1
 * NPENDS=1: 4.9M; liveness GIC-400 NPENDS=0: 3.6M; NQUICK=1 (GIC-400,
 * NWRITES=2 NPENDS=0): 19.4M, 40 s; full bounds (NWRITES=2 NPENDS=1):
 * 73M (GIC-400), 83M (QEMU), about 3 minutes each; NEXITS=1: 31M;
 * liveness 75M (GIC-400), 85M (QEMU). check.sh --full's NQUICK=1
 * NPENDS=1 (gic400-quick-full) no longer completes in 23 GiB: killed at
 * 172M states, and with pan's -DCOLLAPSE stopped at 346M states (18.6
 * GiB), no violation found by then. Before issue 16: 1.65M, 2.2M,
 * 2.7M, 1.7M, 9.5M; full bounds 36M and 42M.
 */

#ifndef QEMU_GIC
#define QEMU_GIC 0
#endif
#ifndef NFIRES
#define NFIRES 2
#endif
#ifndef NWRITES
#define NWRITES 2
#endif
#ifndef NRESETS
#define NRESETS 1
#endif
#ifndef NEXITS
#define NEXITS 0
#endif
#ifndef NPENDS
#define NPENDS 1
#endif
#ifndef NQUICK
#define NQUICK 0
#endif

#define HW_LRS (!QEMU_GIC) /* vgic_hw_lrs */
#define NONE 2		   /* no vCPU / pCPU */

/* GICH_LR bits of the model's LR byte */
#define LR_P 1	 /* pending */
#define LR_A 2	 /* active */
#define LR_HW 4	 /* HW = 1 (PhysicalID = the SPI) */
#define LR_EOI 8 /* EOI maintenance when it goes invalid */
#define LR_STATE 3

/* softirq_pt.state */
#define PT_BOUND 1
#define PT_SCHED 2
#define PT_RUN 4

/* ---- the physical GIC: the one passthrough SPI ------------------------- */
bit p_pending;	   /* GICD pending (edges merge) */
bit p_enabled;	   /* GICD_ISENABLER */
byte p_active;	   /* active: bit c = on pCPU c (GIC-400: any bit) */
byte p_target = 0; /* GICD_ITARGETSR, as a pCPU */

/* ---- softirq_pt (softirq/softirq.c) ------------------------------------ */
byte pt_state = PT_BOUND;
byte pt_onlist = NONE; /* whose softirq_cpu.pt_list holds it */
bit sirq[2];	       /* SOFTIRQ_PASSTHROUGH pending bit per pCPU */

/* ---- struct vgic_irq of the virtual SPI -------------------------------- */
bit ctlr;	       /* GICD_CTLR group enable */
bit en, pend, hwa, mig; /* ENABLED, PENDING, HW_ACTIVE, MIGRATING */
bit hw = 1;	       /* HW: bound to the physical SPI */
byte targets;	       /* ITARGETSR byte */
byte target = 0;       /* delivered to */
byte migrate_to;
byte owner = NONE;   /* whose lists hold it */
byte inf_on = NONE;  /* whose inflight list its node is on */
byte q_on = NONE;    /* whose lr_pending list its node is on */
byte nr_lrs;

/* ---- struct vgic_vcpu, per vCPU ---------------------------------------- */
byte lr_sh[2];	    /* the LR shadow */
byte lr_hw[2];	    /* GICH_LR0 of pCPU v while loaded there */
bit lr_used[2];	    /* lr_used bit 0: the LR holds the SPI */
bit owes_dir[2];    /* lr_owes_dir bit 0 */
bit loaded[2];	    /* loaded_on == v (else -1) */
bit hcr_en[2];	    /* GICH_HCR.En of pCPU v: the maintenance IRQ can fire */
bit flush_work[2];  /* vgic_vcpu.flush_work: the flush must do it in full */
bit in_guest[2];    /* the vCPU runs guest code */
byte running_on[2] = NONE; /* vcpu.running_on: pCPU in vcpu_run() */
bit kick[2];	    /* SGI_KICK pending at pCPU v */
bit stopped[2];	    /* not VCPU_RUNNING: vm_stop_vcpus(), until CPU_ON */
bit hyp_irqs[2];    /* pCPU v takes IRQs in EL2 (softirq_run, idle) */
bit guest_up;	    /* the guest configured its distributor */
bit unbinding;	    /* vgic_vm_reset() is in its -EAGAIN loop */

/* ---- ghosts ------------------------------------------------------------ */
byte fires = NFIRES, writes = NWRITES, resets = NRESETS, pends = NPENDS;
byte exits[2] = NEXITS;
byte quick[2] = NQUICK;
/* Every physical instance vigil acknowledges is a token that moves with
 * it: softirq -> PENDING -> an LR -> the guest's acknowledge, or is
 * dropped (unbound, or wiped by a reset). Tokens are conserved by
 * construction, so "no loss" is "no token left" at quiescence. slack =
 * instances taken - dropped - guest acknowledges: an acknowledge with no
 * slack delivers an interrupt nothing raised (a duplicate). */
byte inst_soft;	 /* tokens taken, softirq not run yet */
byte inst_pend;	 /* tokens behind PENDING | HW_ACTIVE */
byte inst_lr[2]; /* tokens behind the pending LR of vCPU v */
short slack;

#define dest (owner != NONE -> owner : target)
#define ctz(m) ((m) & 1 -> 0 : 1)

/* The physical SPI can be acknowledged by pCPU c: GIC-400 keeps one
 * active state per SPI, QEMU one per CPU. */
#if QEMU_GIC
#define phys_deliverable(c) \
	(p_pending && p_enabled && p_target == c && !(p_active & (1 << c)))
#else
#define phys_deliverable(c) \
	(p_pending && p_enabled && p_target == c && p_active == 0)
#endif

/* Maintenance IRQ of pCPU v: an LR with the EOI bit went invalid (EISR)
 * while the vCPU's interface is enabled (loaded, HCR.EN). */
#define maint(v) (hcr_en[v] && lr_used[v] && (lr_hw[v] & LR_EOI) && \
		  !(lr_hw[v] & LR_STATE))

inline inv()
{
	assert(inf_on == owner);
	assert(q_on == NONE || q_on == inf_on);
	assert(!(lr_used[0] && lr_used[1]));
	assert(nr_lrs == lr_used[0] + lr_used[1]);
	assert(!lr_used[0] || owner == 0);
	assert(!lr_used[1] || owner == 1);
	assert(q_on == NONE || nr_lrs == 0);
	assert(!mig || (nr_lrs == 1 && q_on == NONE));
	assert(owner == NONE || target == owner);
	assert(!owes_dir[0] || lr_used[0]);
	assert(!owes_dir[1] || lr_used[1]);
#if !QEMU_GIC
	/* A deactivation owed means an active physical IRQ. (On QEMU one
	 * GICD_ICACTIVER ends every CPU's instance, so an instance taken
	 * since may already be inactive: harmless for an edge.) */
	assert(!hwa || p_active != 0);
	assert(!owes_dir[0] || p_active != 0);
	assert(!owes_dir[1] || p_active != 0);
#endif
	assert(pt_onlist == NONE || (pt_state & PT_SCHED));
	assert(slack >= 0);
}

/* gic_deactivate() (GICC_DIR on GIC-400, GICD_ICACTIVER on QEMU) */
inline phys_deactivate()
{
#if !QEMU_GIC
	assert(p_active != 0); /* deactivated twice */
#endif
	p_active = 0
}

/* vgic_pirq_route(): GICD_ITARGETSR, pending edges follow (re-latch). */
inline pirq_route(v)
{
	p_target = v
}

/* vgic_irq_wants_lr() + vgic_irq_update() in vgic/vgic.c; d is dest. */
inline irq_update(d)
{
	assert(dest == d); /* vgic_irq_guarded_by() */
#ifdef BREAK_MIGRATING_QUEUE
	q = (en && ctlr && targets != 0 && nr_lrs == 0 && pend);
#else
	q = (en && !mig && ctlr && targets != 0 && nr_lrs == 0 && pend);
#endif
	inf = (q || nr_lrs > 0);
	if
	:: inf && inf_on == NONE -> assert(owner == NONE || owner == d);
		inf_on = d; owner = d
	:: !inf && inf_on != NONE -> inf_on = NONE; owner = NONE
	:: else -> skip
	fi;
	if
	:: q && q_on == NONE -> q_on = d
	:: !q && q_on != NONE -> q_on = NONE
	:: else -> skip
	fi;
	/* vgic_irq_update() sets it for any IRQ in an LR; it is read only
	 * while d is loaded, and every load passes through a full flush,
	 * which clears it: kept here only while loaded (fewer states). */
	if
	:: nr_lrs > 0 && loaded[d] -> flush_work[d] = 1
	:: else -> skip
	fi
}

/* vgic_irq_hand_over() in vgic/migrate.c: unlink from o, target first,
 * owner last. */
inline hand_over(n)
{
	q_on = NONE;
#ifndef BREAK_HANDOVER
	inf_on = NONE;
#endif
	target = n;
	owner = NONE
}

/* vgic_migrate_complete() in vgic/migrate.c (o's lock held); sets defer
 * when the IRQ must be queued on n once o's lock is released
 * (struct vgic_deferred). */
inline migrate_complete(o)
{
	n = migrate_to;
	mig = 0;
#ifndef BREAK_REROUTE
	if
	:: hw -> pirq_route(n)
	:: else -> skip
	fi;
#endif
	if
	:: need_dir -> phys_deactivate()
	:: else -> skip
	fi;
	if
	:: n == o -> irq_update(o)
	:: else -> hand_over(n); defer = 1
	fi
}

/* vgic_lr_retire() in vgic/lr.c: LR of d ended with value val. */
inline lr_retire(d, guest_done)
{
	need_dir = (owes_dir[d] || ((val & LR_HW) && !guest_done));
	lr_sh[d] = 0; lr_used[d] = 0; owes_dir[d] = 0; /* lr_clear() */
	nr_lrs = nr_lrs - 1;
	if
	:: mig -> migrate_complete(d)
	:: else ->
		if
		:: need_dir -> phys_deactivate()
		:: else -> skip
		fi;
		irq_update(d)
	fi
}

/* vgic_lr_mark_migrating() in vgic/lr.c: the LR gets the EOI bit, HW = 1
 * becomes HW = 0 and vigil owes the deactivation. */
inline lr_mark_migrating(d)
{
	if
	:: lr_sh[d] & LR_HW -> lr_sh[d] = lr_sh[d] & ~LR_HW; owes_dir[d] = 1
	:: else -> skip
	fi;
	lr_sh[d] = lr_sh[d] | LR_EOI
}

/* lrs_read_back() in vgic/lr.c: GICH -> shadow, retire invalid LRs. */
inline lrs_read_back(d)
{
	if
	:: lr_used[d] ->
		val = lr_hw[d];
		if
		:: val & LR_STATE -> lr_sh[d] = val
		:: else -> lr_hw[d] = 0; /* gich_write_lr(n, 0) */
			lr_retire(d, 1)
		fi
	:: else -> skip
	fi
}

/* lrs_rewrite_migrating() in vgic/lr.c */
inline lrs_rewrite_migrating(d)
{
	if
	:: lr_used[d] && mig -> lr_mark_migrating(d)
	:: else -> skip
	fi
}

/* lrs_fill() / lr_build() / lr_fill_one() in vgic/lr.c (one LR: no
 * eviction); the LR takes the instances behind PENDING. */
inline lrs_fill(d)
{
	if
	:: q_on == d && !lr_used[d] ->
		val = LR_P;
		if
		:: hwa && HW_LRS -> val = val | LR_HW
		:: hwa && !HW_LRS -> val = val | LR_EOI; owes_dir[d] = 1
		:: else -> skip /* a virtual edge: no EOI bit */
		fi;
		hwa = 0; pend = 0;
		nr_lrs = nr_lrs + 1; lr_used[d] = 1; lr_sh[d] = val;
		inst_lr[d] = inst_pend; inst_pend = 0;
		irq_update(d)
	:: else -> skip
	fi
}

/* vgic_irq_inject_here() in vgic/lr.c (issue 16): d loaded on this pCPU
 * c (its exit), nothing queued on d (the one IRQ: not queued) and d's LR
 * free: the LR is written in the shadow and the GICH at once, the IRQ
 * put on inflight, with no pass through lr_pending. Sets here. */
inline inject_here(d, c)
{
	here = 0;
#ifdef BREAK_INJECT_HERE
	if
	:: loaded[d] && d == c && q_on == NONE && en && !mig && ctlr &&
	   targets != 0 && pend ->
#else
	if
	:: loaded[d] && d == c && q_on == NONE && !lr_used[d] && en && !mig &&
	   ctlr && targets != 0 && nr_lrs == 0 && pend ->
#endif
		assert(inf_on == NONE && owner == NONE);
		val = LR_P;
		if
		:: hwa && HW_LRS -> val = val | LR_HW
		:: hwa && !HW_LRS -> val = val | LR_EOI; owes_dir[d] = 1
		:: else -> skip
		fi;
		hwa = 0; pend = 0;
		nr_lrs = nr_lrs + 1; lr_used[d] = 1; lr_sh[d] = val;
		lr_hw[d] = val; /* gich_write_lr() */
		inst_lr[d] = inst_pend; inst_pend = 0;
		inf_on = d; owner = d;
		here = 1
	:: else -> skip
	fi
}

/* vgic_irq_waits_for_retire() in vgic/internal.h: a newer instance waits
 * for the LR that holds an earlier one. */
#define waits_for_retire (nr_lrs > 0 && pend && !mig)

/* vgic_irq_unlock() -> vgic_notify() in vgic/vgic.c, on pCPU c: kick the
 * dest's pCPU if it is loaded there and the IRQ waits for an LR or for one
 * to retire (a vCPU not loaded enters through vgic_flush_lrs() anyway). */
inline notify(d, c)
{
	if
	:: owner == d && (q_on == d || waits_for_retire) && loaded[d] &&
	   d != c -> kick[d] = 1
	:: else -> skip
	fi
}

/* lrs_request_eoi() in vgic/lr.c: an LR without the EOI bit whose IRQ
 * waits for it to retire asks for an EOI maintenance IRQ, a HW = 1 one by
 * going virtual (lr_ask_eoi(), as lr_mark_migrating() below). */
inline lrs_request_eoi(d)
{
	if
#ifdef BREAK_HW_REPEND
	:: lr_used[d] && !(lr_sh[d] & (LR_HW | LR_EOI)) && waits_for_retire ->
#else
	:: lr_used[d] && !(lr_sh[d] & LR_EOI) && waits_for_retire ->
		if
		:: lr_sh[d] & LR_HW ->
			lr_sh[d] = lr_sh[d] & ~LR_HW; owes_dir[d] = 1
		:: else -> skip
		fi;
#endif
		lr_sh[d] = lr_sh[d] | LR_EOI
	:: else -> skip
	fi
}

/* vgic_deferred_run() -> vgic_irq_queue(): lock dest, update, unlock and
 * notify (kick when loaded on another pCPU; a vCPU not loaded enters
 * through vgic_flush_lrs() anyway). A separate step: o's lock was
 * released in between. */
inline deferred_run(c)
{
	if
	:: defer -> d_step {
			defer = 0; d = dest; irq_update(d);
			notify(d, c);
			inv()
		}
	:: else -> skip
	fi
}

/* vgic_flush_lrs(): before every entry, IRQs masked. Loaded here with
 * nothing queued and no flush_work, lrs_flush_light(): HCR back on if the
 * maintenance IRQ cleared it, nothing else (issue 16). */
inline flush_lrs(c)
{
	d_step {
		if
#ifdef BREAK_FLUSH_LIGHT
		:: loaded[c] && q_on != c ->
#else
		:: loaded[c] && q_on != c && !flush_work[c] ->
#endif
			/* vgic_vcpu.read_back is loaded && !hcr_en here: only
			 * the maintenance IRQ clears HCR.En of a loaded vCPU,
			 * and only this write sets it back. */
			hcr_en[c] = 1
		:: else ->
			if
			:: loaded[c] -> lrs_read_back(c)
			:: else -> skip
			fi;
			lrs_rewrite_migrating(c);
			lrs_fill(c);
			lrs_request_eoi(c);
			lr_hw[c] = lr_sh[c]; /* lrs_load() */
			hcr_en[c] = 1;
			loaded[c] = 1;
			flush_work[c] = 0
		fi;
		in_guest[c] = !defer; /* guest_enter(), unless deferred work */
		inv()
	};
	if
	:: defer -> deferred_run(c); in_guest[c] = 1
	:: else -> skip
	fi
}

/* vgic_sync_lrs(): on every exit. */
inline sync_lrs(c)
{
	d_step {
		in_guest[c] = 0;
		if
		:: loaded[c] -> lrs_read_back(c); loaded[c] = 0
		:: else -> skip
		fi;
		hcr_en[c] = 0; flush_work[c] = 0;
		inv()
	};
	deferred_run(c)
}

/* vgic_maintenance(cur) from irq_handle_all(): read back (retire,
 * deactivate, complete moves), HCR = 0; the flush_lrs() that follows an
 * IRQ exit refills (the read-back it skips would find the same), or the
 * sync_lrs() reads back again (a no-op). */
inline maintenance(c)
{
	d_step {
		if
		:: loaded[c] -> lrs_read_back(c)
		:: else -> skip
		fi;
		hcr_en[c] = 0;
		inv()
	};
	deferred_run(c)
}

/* irq_handle_all(): IAR, EOIR (priority drop), vgic_pt_take() ->
 * softirq_pt_raise(); if unbound, the caller deactivates (spurious). */
inline hard_irq(c, irqs_open)
{
	d_step {
		irqs_open && phys_deliverable(c) -> /* GICC_IAR */
		p_pending = 0;
		p_active = p_active | (1 << c);
		slack = slack + 1;
		if
		:: !(pt_state & PT_BOUND) -> /* vgic_pt_take() false */
			phys_deactivate(); slack = slack - 1
#ifndef BREAK_SCHEDULED
		:: (pt_state & PT_BOUND) && (pt_state & PT_SCHED) ->
			inst_soft = inst_soft + 1 /* coalesced */
#endif
#ifndef BREAK_RUNNING
		:: (pt_state & PT_BOUND) && (pt_state & PT_RUN) &&
		   !(pt_state & PT_SCHED) ->
			pt_state = pt_state | PT_SCHED;
			inst_soft = inst_soft + 1 /* the runner reruns */
#endif
		:: else ->
			pt_state = pt_state | PT_SCHED;
			inst_soft = inst_soft + 1;
			assert(pt_onlist == NONE); /* queued twice */
			pt_onlist = c; sirq[c] = 1
		fi;
		inv()
	}
}

/* The softirq's function, vgic_pt_softirq(): unbound -> deactivate;
 * else vgic_inject_hw() (lock dest, PENDING | HW_ACTIVE, update, unlock,
 * notify). */
inline pt_fn(c)
{
	d_step {
		if
		:: !(pt_state & PT_BOUND) ->
			phys_deactivate();
			slack = slack - inst_soft; inst_soft = 0
		:: else ->
			d = dest;
#if !QEMU_GIC
			assert(!hwa); /* one physical instance at a time */
#endif
			if
			:: hw ->
				pend = 1; hwa = 1;
				inst_pend = inst_pend + inst_soft; inst_soft = 0;
				inject_here(d, c);
				if
				:: !here -> irq_update(d)
				:: else -> skip
				fi;
				notify(d, c)
			:: else -> skip
			fi
		fi;
		inv()
	}
}

/* vgic_pt_take_here() in a guest exit's irq_handle_all(cur): IAR, EOIR,
 * then softirq_pt_run_here(): BOUND -> BOUND | RUNNING by one CAS and the
 * handler run at once, rerun while a raise on the other pCPU set
 * SCHEDULED. vigil tries it only when the SPI's target (read unlocked)
 * is cur; the model lets it run whatever the target, which covers a stale
 * read. When the CAS fails the code raises as hard_irq() does. */
inline hard_irq_here(c)
{
	d_step {
#ifdef BREAK_RUN_HERE
		phys_deliverable(c) && (pt_state & PT_BOUND) ->
#else
		phys_deliverable(c) && pt_state == PT_BOUND ->
#endif
		p_pending = 0;
		p_active = p_active | (1 << c);
		slack = slack + 1;
		pt_state = PT_BOUND | PT_RUN;
		inst_soft = inst_soft + 1;
		inv()
	};
	do
	:: pt_fn(c);
		d_step {
			if
			:: pt_state & PT_SCHED ->
				pt_state = pt_state & ~PT_SCHED;
				again = 1
			:: else ->
				pt_state = pt_state & ~PT_RUN;
				again = 0
			fi
		};
		if
		:: again -> skip
		:: else -> break
		fi
	od
}

/* softirq_run() -> softirq_passthrough() -> softirq_pt_run_one() */
inline softirq_run(c)
{
	do
	:: d_step {
			sirq[c] -> sirq[c] = 0; /* xchg(pending, 0) */
			work = (pt_onlist == c);
			if
			:: work -> pt_onlist = NONE /* spliced, IRQs masked */
			:: else -> skip
			fi
		};
		if
		:: work ->
			d_step { /* SCHEDULED -> RUNNING */
				assert(pt_state & PT_SCHED);
				assert(!(pt_state & PT_RUN));
				pt_state = (pt_state & ~PT_SCHED) | PT_RUN
			};
			do
			:: pt_fn(c);
				d_step {
					if
					:: pt_state & PT_SCHED ->
						pt_state = pt_state & ~PT_SCHED;
						again = 1
					:: else ->
						pt_state = pt_state & ~PT_RUN;
						again = 0
					fi
				};
				if
				:: again -> skip
				:: else -> break
				fi
			od
		:: else -> skip
		fi
	:: else -> break
	od
}

/* vgic_irq_set_targets() in vgic/migrate.c, from a vCPU trapped on its
 * GICD_ITARGETSR write; then, with o's lock released, vgic_irq_queue() or
 * the kick. */
inline set_targets(c, mask)
{
	d_step {
		o = dest;
		targets = mask;
		n = ctz(mask);
		tkick = NONE;
		if
#ifndef BREAK_MIGRATING_GUARD
		:: mig -> migrate_to = n /* only the last write counts */
#endif
		:: else ->
			if
			:: n == target -> irq_update(o)
			:: else ->
				if
				:: owner == NONE || nr_lrs == 0 ->
					/* not in flight, or only in lr_pending:
					 * move now (step 2) */
					hand_over(n);
					if
					:: hw -> pirq_route(n)
					:: else -> skip
					fi;
					defer = 1
				:: else -> /* in an LR of o (step 3) */
					mig = 1; migrate_to = n;
					if
					:: !loaded[o] -> lr_mark_migrating(o)
					:: loaded[o] && o != c -> tkick = o
					:: else -> skip
					fi;
					irq_update(o)
				fi
			fi
		fi;
		inv()
	};
	deferred_run(c);
	if
	:: tkick != NONE -> kick[tkick] = 1
	:: else -> skip
	fi
}

/* GICD_ISPENDR from a trapped vCPU: vgic_dist_access() ->
 * vgic_irq_set_pending() (merges with a pending LR of a vCPU outside guest
 * mode), update, unlock and notify. A new pending instance is a token the
 * guest must get, like a physical one. */
inline set_pending(c)
{
	d_step {
		d = dest;
		if
		:: nr_lrs > 0 && !loaded[d] && (lr_sh[d] & LR_P) -> skip
		:: pend -> skip /* merges with the pending instance */
		:: else -> pend = 1; inst_pend = inst_pend + 1; slack = slack + 1
		fi;
		irq_update(d);
		notify(d, c);
		inv()
	}
}

/* The guest's distributor set-up at boot and after a reset: GICD_CTLR,
 * ITARGETSR (vCPU 0), ISENABLER (gic_irq_enable() for a HW IRQ). */
inline guest_setup(c)
{
	d_step {
		ctlr = 1; targets = 1; en = 1;
		if
		:: hw -> p_enabled = 1
		:: else -> skip
		fi;
		d = dest; irq_update(d);
		guest_up = 1;
		inv()
	}
}

/* vm_reset() in core/vm.c on pCPU 0 (IRQs masked in the HVC handler):
 * vm_stop_vcpus(), then vgic_vm_reset() in gic/vgic_glue.c. */
inline vm_reset()
{
	d_step { /* vm_stop_vcpus(): OFFLINE under power_lock, kick */
		stopped[0] = 1; stopped[1] = 1; guest_up = 0;
		if
		:: running_on[1] != NONE -> kick[1] = 1
		:: else -> skip
		fi
	};
	running_on[1] == NONE; /* wait for running_on < 0 */
	unbinding = 1;
	do
	:: d_step { /* vgic_pt_unbind(): -EAGAIN or done */
			d = dest;
			p_enabled = 0; /* gic_irq_disable() */
			pt_state = pt_state & ~PT_BOUND; /* softirq_pt_unbind() */
			if
			:: pt_state & (PT_SCHED | PT_RUN) -> again = 1
			:: else -> again = 0;
				if
				:: hwa -> phys_deactivate()
				:: else -> skip
				fi;
				if
				:: nr_lrs > 0 && !loaded[d] ->
					if
					:: (lr_sh[d] & LR_HW) || owes_dir[d] ->
						phys_deactivate()
					:: else -> skip
					fi;
					lr_sh[d] = lr_sh[d] & ~LR_HW;
					owes_dir[d] = 0
				:: else -> skip
				fi;
				hw = 0; hwa = 0
			fi
		};
		if
		:: again ->
#ifndef BREAK_UNBIND_SOFTIRQ
			softirq_run(0);
#endif
			skip /* arch_cpu_relax() */
		:: else -> break
		fi
	od;
	unbinding = 0;
	d_step {
		p_active = 0; /* gic_irq_clear_active(): GICD_ICACTIVER */
		/* vgic_vm_init(): a fresh vGIC; what it held is gone */
		assert(inst_soft == 0);
		slack = slack - inst_pend - inst_lr[0] - inst_lr[1];
		inst_pend = 0; inst_lr[0] = 0; inst_lr[1] = 0;
		ctlr = 0; en = 0; pend = 0; hwa = 0; mig = 0; hw = 0;
		targets = 0; target = 0; owner = NONE; inf_on = NONE;
		q_on = NONE; nr_lrs = 0;
		lr_sh[0] = 0; lr_sh[1] = 0; lr_used[0] = 0; lr_used[1] = 0;
		owes_dir[0] = 0; owes_dir[1] = 0;
		loaded[0] = 0; loaded[1] = 0; /* loaded_on = -1 */
		flush_work[0] = 0; flush_work[1] = 0;
		/* vgic_pt_bind() */
		assert(!(pt_state & (PT_BOUND | PT_SCHED | PT_RUN)));
		hw = 1; p_enabled = 0; pirq_route(0);
		pt_state = PT_BOUND;
		stopped[0] = 0; /* vcpu_power_on(vCPU 0); vCPU 1 stays off */
		inv()
	}
}

/* The device behind the passthrough SPI: an edge now and then. */
active proctype device()
{
end:	do
	:: fires > 0 -> d_step { fires = fires - 1; p_pending = 1 }
	:: else -> break
	od
}

/* IRQs taken at EL2 while the pCPU is in vigil with IRQs open
 * (softirq_run(), the idle loop): irq_handle_all(NULL). */
proctype irqctx(byte c)
{
end:	do
	:: hard_irq(c, hyp_irqs[c])
	od
}

/* A pCPU running its pinned vCPU: sched_run_vcpu() and vcpu_run()
 * in sched/sched.c and arch/arm/arm64/vcpu.c, the guest in between. */
proctype pcpu(byte c)
{
	byte d, n, o, q, inf, val, tkick, mask;
	bit need_dir, defer, work, again, here;

	/* The guest boots and programs its distributor. */
	if
	:: c == 0 -> guest_setup(c)
	:: else -> guest_up
	fi;
	hyp_irqs[c] = 1;
end_hyp:
	do
#ifdef BREAK_IDLE_SOFTIRQ
	:: sirq[c] && !stopped[c] -> softirq_run(c)
#else
	:: sirq[c] -> softirq_run(c) /* IRQs open; idle too (sched_run()) */
#endif
#ifdef BREAK_STOP_RACE
	:: atomic { !sirq[c] && !stopped[c] && guest_up ->
		hyp_irqs[c] = 0 } /* state == RUNNING, IRQs masked */
		running_on[c] = c; /* WRITE_ONCE(v->running_on, p->id) */
#else
	:: /* sched_run_vcpu(): state RUNNING checked and running_on
	    * published under power_lock, against vm_stop_vcpus() */
		d_step { !sirq[c] && !stopped[c] && guest_up ->
			hyp_irqs[c] = 0; running_on[c] = c }
#endif
		flush_lrs(c);
		goto guest
	od;
guest:
end_guest:
	do
	:: d_step { /* the guest acknowledges its LR: GICV_IAR */
		(lr_hw[c] & LR_STATE) == LR_P ->
			lr_hw[c] = (lr_hw[c] & ~LR_P) | LR_A;
			assert(slack > 0); /* no duplicate */
			slack = slack - 1; inst_lr[c] = 0
		}
	:: d_step { /* GICV_EOIR: HW = 1 deactivates the physical SPI */
		lr_hw[c] & LR_A ->
			lr_hw[c] = lr_hw[c] & ~LR_A;
			if
			:: lr_hw[c] & LR_HW -> phys_deactivate()
			:: else -> skip
			fi
		}
	:: /* exit on an IRQ: irq_handle_all(v), then in again or out */
		(phys_deliverable(c) || maint(c) || kick[c]) ->
		do
		:: hard_irq(c, 1)
		:: hard_irq_here(c)
		:: maint(c) -> maintenance(c)
		:: kick[c] -> kick[c] = 0
		:: else -> break
		od;
		if
		:: /* vcpu_run(): sched_may_reenter() (IRQs masked
		    * since the exit), then straight to the flush, which
		    * reads the LRs back first: no sync, no round */
#ifdef BREAK_IRQ_REENTRY
			!stopped[c] -> flush_lrs(c); goto guest
#else
			!stopped[c] && !sirq[c] -> flush_lrs(c); goto guest
#endif
		:: else -> goto exit
		fi
	:: /* a trap on its GICD_ITARGETSR write */
		atomic { writes > 0 && !stopped[c] -> writes = writes - 1 };
		if
		:: mask = 1
		:: mask = 2
		fi;
		sync_lrs(c);
		set_targets(c, mask); /* arch_handle_exit() */
		goto leave
	:: /* a trap on its GICD_ISPENDR write */
		atomic { pends > 0 && !stopped[c] -> pends = pends - 1 };
		sync_lrs(c);
		set_pending(c);
		goto leave
	:: /* vCPU 0: PSCI SYSTEM_RESET */
		atomic { c == 0 && resets > 0 && !stopped[c] ->
			resets = resets - 1 };
		sync_lrs(c);
		vm_reset(); /* arch_handle_exit() -> psci -> vm_reset() */
		guest_setup(c);
		goto leave
	:: /* vCPU 0: PSCI CPU_ON of vCPU 1, off since a reset */
		atomic { c == 0 && stopped[1] && guest_up && !stopped[0] ->
			stopped[1] = 0 }
	:: /* any other trap */
		atomic { exits[c] > 0 -> exits[c] = exits[c] - 1 };
		goto exit
	:: /* a trap vcpu_run() answers at once, touching no vGIC
	    * state: no sync, straight back in unless sched_may_reenter()
	    * finds the vCPU stopped or a softirq pending (IRQs masked since
	    * the trap), then the exit's sync. Work that comes after the
	    * check leaves a kick, and the guest exits on it. */
		atomic { quick[c] > 0 -> quick[c] = quick[c] - 1 };
		if
		:: stopped[c] || sirq[c] -> goto exit
		:: else -> skip
		fi
	od;
exit:
	sync_lrs(c);
leave:
	atomic { running_on[c] = NONE; hyp_irqs[c] = 1 };
	goto end_hyp
}

/* An LR the guest is done with: invalid in the GICH, retired by vigil at
 * the vCPU's next exit (nothing forces one for a HW = 1 LR). */
#define lr_done(v) (!lr_used[v] || (loaded[v] && !(lr_hw[v] & LR_STATE)))

/* Quiescence: nothing else can run. Every instance was delivered or
 * dropped, nothing is left behind, the last write won. */
active proctype quiescence()
{
	timeout ->
	d_step {
		assert(inst_soft == 0 && inst_pend == 0); /* no loss */
		assert(inst_lr[0] == 0 && inst_lr[1] == 0);
		assert(!p_pending && p_active == 0);
		assert(lr_done(0) && lr_done(1));
		assert(q_on == NONE && !mig && !pend && !hwa);
		assert(pt_state == PT_BOUND && pt_onlist == NONE);
		assert(target == ctz(targets)); /* last ITARGETSR write wins */
		assert(p_target == target);
	}
}

init {
	atomic {
		run irqctx(0); run irqctx(1);
		run pcpu(0); run pcpu(1)
	}
}

/* A VM reset's unbind loop ends (weak fairness: every pCPU keeps running
 * its softirqs). */
ltl unbind_ends { [] (unbinding -> <> !unbinding) }
