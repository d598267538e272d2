"""Keeps the search index in step with the database. (Placeholder: replaced by the search work.)"""

from haystack.signals import BaseSignalProcessor


class OnCommitSignalProcessor(BaseSignalProcessor):
    pass
