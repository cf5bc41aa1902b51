from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/check-your-email/", views.register_done, name="register_done"),
    path("verify-email/resend/", views.resend_verification, name="resend_verification"),
    path("verify-email/<str:token>/", views.verify_email, name="verify_email"),
    path("sign-in/", views.ProviderLoginView.as_view(), name="login"),
    path("second-step/", views.second_factor, name="second_factor"),
    path("sign-out/", views.ProviderLogoutView.as_view(), name="logout"),
    path("password-reset/", views.ProviderPasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.ProviderPasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.ProviderPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.ProviderPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/", views.account, name="account"),
    path("account/second-step/set-up/", views.second_factor_enrol, name="second_factor_enrol"),
    path("account/second-step/turn-off/", views.second_factor_disable, name="second_factor_disable"),
    path("account/second-step/backup-codes/", views.second_factor_new_codes, name="second_factor_new_codes"),
    path("mine/", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("icd10/", views.icd10_lookup, name="icd10"),
    path("<uuid:public_id>/", views.referral_detail, name="detail"),
    path("<uuid:public_id>/documents/", views.referral_add_documents, name="add_documents"),
    path("<uuid:public_id>/cancel/", views.referral_cancel, name="cancel"),
    path("<uuid:public_id>/documents/<uuid:document_id>/", views.document_download, name="document"),
]
