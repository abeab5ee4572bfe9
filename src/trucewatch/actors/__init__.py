"""Actor resolution: who the words of an article name, from data files in ``data/``."""

from trucewatch.actors.catalogue import Catalogue, load_catalogue
from trucewatch.actors.resolve import ActorResolver

__all__ = ["ActorResolver", "Catalogue", "load_catalogue"]
