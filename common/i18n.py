"""Marking translatable text in pure domain code.

Domain modules cannot depend on the web layer's translations, yet their messages reach users in
Dutch or English. They mark message ids with :func:`N_` (picked up by Babel's extractor) and carry
the parameters separately; the web layer translates and fills them in at the edge.
"""


def N_(message: str) -> str:
    """Mark ``message`` for extraction into the message catalogs without translating it here."""
    return message
