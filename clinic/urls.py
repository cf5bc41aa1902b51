from django.contrib import admin
from django.urls import include, path

from appointments import views as appointment_views
from clinic.core import views
from intake import views as intake_views
from referrals import views as referral_views

urlpatterns = [
    path("", views.home, name="home"),
    path("new-patients/", intake_views.start, name="new_patient"),
    path("appointments/", appointment_views.request_create, name="request_appointment"),
    path("appointments/", include("appointments.urls")),
    path("referring-providers/", referral_views.landing, name="referring_providers"),
    path("healthz", views.healthz, name="healthz"),
    path("intake/", include("intake.urls")),
    path("referrals/", include("referrals.urls")),
    path("staff/", admin.site.urls),
]
