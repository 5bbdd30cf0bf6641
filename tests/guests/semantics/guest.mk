# semantics: GICv2 and PSCI corner cases a guest written against the
# specifications relies on (issue 15), one PASS/FAIL line per check.
