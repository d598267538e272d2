"""Read-only JSON API. (Placeholder: replaced by the pages work.)"""

urlpatterns: list = []
