"""Domain exceptions: the library raises these and never prints or exits.

The CLI turns each into one line on standard error and a non-zero exit code; the web API
into a status code and a JSON body.
"""


class TrucewatchError(Exception):
    """Base class of every error trucewatch raises on purpose."""


class ConfigError(TrucewatchError):
    """The configuration file or an option has a value trucewatch cannot use."""


class DataFileError(TrucewatchError):
    """A data file (actor list, lexicon, boilerplate rules) is missing or fails validation."""


class InputError(TrucewatchError):
    """An input (file, line, text) cannot be read as an article."""


class StoreError(TrucewatchError):
    """The database cannot be opened or written: locked, read-only, unreachable."""


class NotFound(TrucewatchError):
    """A record asked for by id does not exist."""


class FetchError(TrucewatchError):
    """A page or feed cannot be downloaded: unreachable, timed out, refused, or barred by robots.txt."""
