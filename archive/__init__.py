"""Parley: a searchable archive of diplomatic interviews, press briefings and remarks."""
