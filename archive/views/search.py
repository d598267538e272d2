"""The search page. (Placeholder: replaced by the search work.)"""

from django.http import HttpResponse


def search(request):
    return HttpResponse("search")
