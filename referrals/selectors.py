"""Reads for referrals. Every query a provider page makes is scoped to that provider here."""

import uuid

from django.db.models import Count, QuerySet
from django.http import Http404

from clinic.core.models import Patient

from .models import Referral, ReferralDocument, ReferralStatus, ReferringProvider


def referring_provider_for_user(user) -> ReferringProvider | None:
    if not user.is_authenticated:
        return None
    try:
        return user.referring_provider
    except ReferringProvider.DoesNotExist:
        return None


def referral_list_for_provider(*, provider: ReferringProvider, status: str = "") -> QuerySet[Referral]:
    referrals = (
        Referral.objects.filter(provider=provider)
        .select_related("location")
        .annotate(document_count=Count("documents"))
        .order_by("-submitted_at")
    )
    if status == "open":
        referrals = referrals.exclude(
            status__in=[ReferralStatus.SEEN, ReferralStatus.DECLINED, ReferralStatus.CANCELLED]
        )
    elif status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    return referrals


def referral_get_for_provider(*, provider: ReferringProvider, public_id: uuid.UUID) -> Referral:
    """The provider's own referral, or 404: another provider's referral does not exist for them."""
    referral = (
        Referral.objects.filter(provider=provider, public_id=public_id)
        .select_related("provider__user", "location")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def referral_documents(*, referral: Referral) -> QuerySet[ReferralDocument]:
    return referral.documents.select_related("upload").order_by("created_at", "pk")


def referral_events(*, referral: Referral):
    return referral.events.select_related("actor").order_by("created_at", "pk")


def referral_possible_duplicates(*, referral: Referral) -> QuerySet[Patient]:
    """Existing patients with the same name and date of birth as the referral's patient."""
    return Patient.objects.filter(
        first_name__iexact=referral.patient_first_name.strip(),
        last_name__iexact=referral.patient_last_name.strip(),
        date_of_birth=referral.patient_date_of_birth,
    ).order_by("pk")
