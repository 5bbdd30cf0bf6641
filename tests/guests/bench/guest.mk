# bench: interrupt-path benchmark (issue 6, docs/performance.md).
