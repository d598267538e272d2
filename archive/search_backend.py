"""Haystack Whoosh engine tuned for Parley. (Placeholder: replaced by the search work.)"""

from haystack.backends.whoosh_backend import WhooshEngine


class ParleyWhooshEngine(WhooshEngine):
    pass
