"""Thin views of the public archive, one module per kind of page."""
