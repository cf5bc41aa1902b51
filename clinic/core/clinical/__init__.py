"""Clinical rules from `docs/clinical/` as pure Python: no database, no settings at import.

- `red_flags`: the spine red-flag screen and its tiers (red-flags.md).
- `procedure_safety`: pre-procedure safety screening (procedure-safety.md).
"""
