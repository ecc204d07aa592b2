"""The project's URLs plus one view that fails, for the 500 page's test."""

from django.urls import path

from shouhu.urls import handler400, urlpatterns

__all__ = ["handler400", "urlpatterns"]


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("fails/", fail)]
