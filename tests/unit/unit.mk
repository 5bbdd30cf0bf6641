# Portable sources linked into the host unit-test binary (tests/unit/*.c are
# added automatically). One line per source, so parallel work merges cleanly.
UNIT_SRCS += core/mm.c
