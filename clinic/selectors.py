from django.db.models import QuerySet

from .models import Location


def active_locations() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).order_by("name")
