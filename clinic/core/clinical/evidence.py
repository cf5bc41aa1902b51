"""The status key used in the clinical spec (see `docs/clinical/instruments.md`)."""

import enum


class Evidence(enum.StrEnum):
    # Checked against the named source.
    VERIFIED = "V"
    # Checked against a secondary source only.
    VERIFIED_SECONDARY = "V, secondary"
    # Not checked against a primary source; the clinic confirms it before go-live.
    UNVERIFIED = "U"
    # A design decision of the spec, for the clinical lead to approve.
    DESIGN = "D"
