from django.urls import path

from . import views

app_name = "appointments"

# The request form itself is at "appointments/" under the project's url name `request_appointment`.
urlpatterns = [
    path("check-your-email/", views.check_email, name="check_email"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("r/<uuid:public_id>/<str:token>/", views.manage, name="manage"),
    path("r/<uuid:public_id>/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("r/<uuid:public_id>/<str:token>/cancel/", views.cancel, name="cancel"),
    path("r/<uuid:public_id>/<str:token>/another-time/", views.another_time, name="another_time"),
]
