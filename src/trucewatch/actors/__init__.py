"""Actor resolution: who the words of an article name, from data files in ``data/``.

``catalogue`` reads the actor lists; ``resolve`` finds their mentions in parsed text (it needs
spaCy, so it is imported by whoever parses, not by this package: a query reads the catalogue
only, and spaCy's import is a second of every command's start).
"""
