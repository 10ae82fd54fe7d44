"""The product's URLs and, for `make bench-national` only, a bare Django JSON view: what a request costs with no
database and no serializer, for the API lists' throughput to be compared with (`config/settings/bench.py`)."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"results": [{"id": number, "name": f"Đơn vị {number}"} for number in range(10)]})


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("config.urls")),
]
