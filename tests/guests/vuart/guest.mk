# vuart: bad accesses to its vUART, then a guest that stops reading it
# (tests/system/test_vuart.py). Linked and loaded at 0x60000000, the RAM of
# its VM there; its probes are A64 instructions.
vuart_LOAD_ADDR := 0x60000000
vuart_ARCHES := arm64
