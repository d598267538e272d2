"""People and offices: who the speakers of the archive are, which offices they held when, and how
a printed label ("THE PRESIDENT:", "MS. JEAN-PIERRE:", "答：") resolves to one of them in the
context of its transcript (source, date, title).

- ``models``: organisations, posts (offices), memberships (a person in a post between dates), a
  transcript's participants, and curators' label rules. The person is ``archive.models.Speaker``.
- ``names``: pure helpers for names and labels (folding, media outlets, generic roles).
- ``resolve``: the resolver, pure Python over a ``Directory`` of people, offices and rules.
- ``directory``: the ``Directory`` read from the database.
- ``popolo``: the curated dataset in the Popolo JSON shape (``fixtures/people.json``), loaded
  with the schema and by ``manage.py load_people``.
"""
