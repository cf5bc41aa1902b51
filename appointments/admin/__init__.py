"""The front desk's side: the booking queue, booking into a slot, changes to a visit, the day view.

The ModelAdmins are in models, the pages they add (book, override, reschedule, cancel, day view) in
pages.
"""

from .models import AppointmentAdmin, AppointmentRequestAdmin, LocationHoursAdmin, PhysicianAdmin

__all__ = ["AppointmentAdmin", "AppointmentRequestAdmin", "LocationHoursAdmin", "PhysicianAdmin"]
