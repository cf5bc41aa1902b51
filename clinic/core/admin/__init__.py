"""The core's admin: the base classes every app's admin builds on (base), the site's titles and accounts
(staff_site), the core's ModelAdmins (models), the alert acknowledgement page (pages) and the two audit
logs (audit).
"""

from . import audit, staff_site
from .base import (
    ClinicModelAdmin,
    ReadOnlyModelAdmin,
    RefuseTamperedSelectionMixin,
    StaffAlertInline,
    searching,
)
from .models import LocationAdmin, OutboundEmailAdmin, PatientAdmin, StaffAlertAdmin

__all__ = [
    "ClinicModelAdmin",
    "LocationAdmin",
    "OutboundEmailAdmin",
    "PatientAdmin",
    "ReadOnlyModelAdmin",
    "RefuseTamperedSelectionMixin",
    "StaffAlertAdmin",
    "StaffAlertInline",
    "audit",
    "searching",
    "staff_site",
]
