from django.contrib import admin
from django.urls import include, path

from appointments import views as appointment_views
from clinic.core import sessions, views
from intake import views as intake_views
from referrals import views as referral_views

urlpatterns = [
    path("", views.home, name="home"),
    path("new-patients/", intake_views.start, name="new_patient"),
    path("appointments/", appointment_views.request_create, name="request_appointment"),
    path("appointments/", include("appointments.urls")),
    path("referring-providers/", referral_views.landing, name="referring_providers"),
    path("healthz", views.healthz, name="healthz"),
    path("session/", sessions.session_status, name="session_status"),
    path("session/keep-alive/", sessions.session_keep_alive, name="session_keep_alive"),
    path("intake/", include("intake.urls")),
    path("referrals/", include("referrals.urls")),
    # Before the staff site's own URLs, so its sign-in is rate limited (clinic.core.ratelimits).
    path("staff/login/", views.staff_login),
    # Before the admin, whose own URLs would catch these. The names are the ones Django's admin and
    # auth views look for ("admin_password_reset" puts the link on the staff sign-in page).
    path("staff/password-reset/", views.StaffPasswordResetView.as_view(), name="admin_password_reset"),
    path(
        "staff/password-reset/sent/", views.StaffPasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "staff/password-reset/<uidb64>/<token>/",
        views.StaffPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "staff/password-reset/done/",
        views.StaffPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("staff/", admin.site.urls),
]

handler400 = "clinic.core.views.bad_request"
handler403 = "clinic.core.views.permission_denied"
handler404 = "clinic.core.views.page_not_found"
handler500 = "clinic.core.views.server_error"
