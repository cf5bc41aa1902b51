from django.conf import settings


def clinic(request):
    return {
        "CLINIC_NAME": settings.CLINIC_NAME,
        "CLINIC_PHONE": settings.CLINIC_PHONE,
        "SESSION_IDLE_MINUTES": settings.SESSION_IDLE_MINUTES,
        "SESSION_WARNING_SECONDS": settings.SESSION_WARNING_SECONDS,
    }
