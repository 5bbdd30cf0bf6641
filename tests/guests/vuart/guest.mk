# vuart: bad accesses to its vUART, then a guest that stops reading it
# (tests/system/test_vuart.py), A64 and A32. Linked and loaded at 0x60000000,
# the RAM of its VM there.
vuart_LOAD_ADDR := 0x60000000
