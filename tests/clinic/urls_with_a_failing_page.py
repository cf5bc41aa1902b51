"""The portal's URLs plus one page that fails, to show what a visitor sees when a page breaks."""

from django.urls import path

from clinic import urls


def broken_page(request):
    raise RuntimeError("Jane Doe, born 1980-02-29: something broke")


urlpatterns = [*urls.urlpatterns, path("broken/", broken_page)]
handler500 = urls.handler500
