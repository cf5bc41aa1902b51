"""Signals by which a lower layer tells the layers above it that something happened.

An app below does not import an app above (README, "Layout"); it sends one of these and the app
above connects a receiver in its AppConfig.ready().
"""

from django.dispatch import Signal

# A patient's own answers (their intake) carry red flags that need staff now.
# Sent with `patient` (clinic.core.models.Patient) and `emergency` (bool).
patient_red_flags_found = Signal()
