from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from clinic.core.hooks import patient_red_flags_found

        from .services import referral_raise_priority_for_red_flags

        patient_red_flags_found.connect(
            referral_raise_priority_for_red_flags, dispatch_uid="referrals.raise-priority-for-red-flags"
        )
