# hello_high: the hello guest linked at 0x140000000, 5 GiB, for a VM that
# lives wholly in RAM above 4 GiB (tests/system/test_above_4g.py).
hello_high_LOAD_ADDR := 0x140000000
hello_high_ARCHES := arm64
