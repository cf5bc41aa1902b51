from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("new-patients/", views.new_patient, name="new_patient"),
    path("appointments/", views.request_appointment, name="request_appointment"),
    path("referring-providers/", views.referring_providers, name="referring_providers"),
    path("healthz", views.healthz, name="healthz"),
    path("intake/", include("intake.urls")),
    path("referrals/", include("referrals.urls")),
    path("staff/", admin.site.urls),
]
