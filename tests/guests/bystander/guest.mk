# bystander: a second VM that counts timer ticks while another VM misbehaves.
# Linked and loaded at 0x60000000, the RAM of vm@1 in tests/system/test_hostile.py.
# A board's platform.mk may move it (BYSTANDER_LOAD_ADDR).
bystander_LOAD_ADDR := $(or $(BYSTANDER_LOAD_ADDR),0x60000000)
