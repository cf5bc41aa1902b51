from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("link/<str:token>/", views.resume, name="resume"),
    path("new-link/", views.resend_link, name="resend_link"),
    path("medicine-names.json", views.medicine_names, name="medicine_names"),
    path("<uuid:public_id>/step/<slug:step>/", views.step, name="step"),
    path("<uuid:public_id>/review/", views.review, name="review"),
    path("<uuid:public_id>/thank-you/", views.thanks, name="thanks"),
    path("staff/<uuid:public_id>/card/<slug:side>/", views.insurance_card, name="insurance_card"),
]
