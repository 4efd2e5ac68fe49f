"""The site's URLs plus one view that fails, so tests can see the 500 page a real error gets."""

from django.urls import path

from aftersales.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [*site_urlpatterns, path("fail/", fail)]
