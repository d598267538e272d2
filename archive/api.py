"""Read-only JSON API. (Work in progress.)"""

from django.http import JsonResponse
from django.urls import path


def api_index(request):
    return JsonResponse({})


urlpatterns = [path("", api_index, name="api_index")]
