"""The core's admin: the base classes every app's admin builds on (base), the site's titles and accounts
(staff_site), the core's ModelAdmins (models) and the alert acknowledgement page (pages).
"""

from . import staff_site
from .base import ClinicModelAdmin, ReadOnlyModelAdmin, RefuseTamperedSelectionMixin, StaffAlertInline
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
    "staff_site",
]
