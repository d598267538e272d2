"""Curation in the Django admin. (Placeholder: replaced by the foundation work.)"""
