# vuart_peer: reads lines from its vUART and answers them; powers off on
# "off" (tests/system/test_vuart.py). Linked and loaded at 0x70000000.
vuart_peer_LOAD_ADDR := 0x70000000
