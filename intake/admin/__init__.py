"""The staff side of intakes: the intake list and page (models), the DN4 examination page (pages),
and the invitation actions the staff layer also adds to the Patient admin (actions).
"""

from .actions import invite_to_intake, patients_invite
from .models import IntakeAdmin

__all__ = ["IntakeAdmin", "invite_to_intake", "patients_invite"]
