"""Text that XML 1.0 can hold.

XML 1.0 forbids the C0 control characters other than tab, newline and carriage return, lone
surrogates, U+FFFE and U+FFFF: a document holding one is not well-formed, and Django's feed writer
refuses it (a 500). Ingest strips them from what it reads (archive.ingest.reading), and every XML
the archive writes (the Atom feeds, the Akoma Ntoso export) strips them again from whatever the
database holds or a query brings.
"""

from __future__ import annotations

import re

XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return XML_FORBIDDEN.sub("", text)
