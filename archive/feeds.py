"""Atom feeds. (Placeholder: replaced by the pages work.)"""

urlpatterns: list = []
