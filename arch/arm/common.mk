# The hypervisor sources every ARM profile links, listed once. The top
# Makefile includes this before arch/arm/$(ARCH)/arch.mk, which adds the
# profile's own (arch/arm/$(ARCH)/*.c *.S). Whole folders, so a new file in
# one is built without touching this list. (The order is the link order:
# changing it moves code and so the measured numbers.)
HV_SRCS += $(wildcard core/*.c gic/*.c vgic/*.c softirq/*.c sched/*.c)
HV_SRCS += $(wildcard arch/arm/*.c)

# Headers: the portable ones, those shared by the ARM profiles, then the
# profile's asm/ (arch.mk's ARCH_INCLUDES).
HV_INCLUDES := -Iinclude -Iarch/arm/include
