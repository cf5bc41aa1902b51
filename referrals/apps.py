from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from clinic.core.audit import audit_changes
        from clinic.core.hooks import patient_red_flags_found

        from .models import Referral, ReferralDocument
        from .services import referral_raise_priority_for_red_flags

        # The referrer's free text and answers are masked (the entry says they changed); status,
        # priority, codes, dates and the patient's details keep their values.
        audit_changes(
            Referral,
            masked=[
                "reason",
                "medications_tried",
                "other_conservative_care",
                "decline_note",
                "red_flag_answers",
                "red_flags",
                "safety_answers",
                "safety_flags",
            ],
        )
        audit_changes(ReferralDocument)

        patient_red_flags_found.connect(
            referral_raise_priority_for_red_flags, dispatch_uid="referrals.raise-priority-for-red-flags"
        )
