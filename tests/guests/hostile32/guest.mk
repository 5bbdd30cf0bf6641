# hostile32: the hostile guest's bad inputs in their AArch32 form, A32
# only (tests/guests/hostile is AArch64). tests/system/test_arm32_hostile.py.
hostile32_ARCHES := arm32
