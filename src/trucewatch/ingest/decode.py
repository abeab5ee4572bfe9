"""Bytes to text: tell binary files apart, honour BOMs, and detect legacy encodings.

UTF-8 is tried first; legacy files are decoded with charset-normalizer's best guess. A file
whose bytes fit no encoding is rejected rather than decoded into mojibake.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from trucewatch.errors import InputError

# Share of control bytes (other than tab, newline, carriage return, form feed) above which a
# file is taken to be binary. Text files have none; images and archives have many.
BINARY_CONTROL_SHARE = 0.05
_TEXT_CONTROLS = {9, 10, 12, 13}
_LATIN_FAMILY = {"cp1250", "cp1252", "latin_1", "iso8859_15", "iso8859_2", "cp1257"}


def looks_binary(data: bytes) -> bool:
    """True when ``data`` holds NUL bytes or many control bytes (and no UTF-16/32 BOM)."""
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
    return bool(head) and controls / len(head) > BINARY_CONTROL_SHARE


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode ``data`` as text, or raise InputError naming the problem."""
    if not data.strip():
        raise InputError("empty file")
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}") from exc
    if looks_binary(data):
        raise InputError("binary file, not text")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None or guess.encoding is None:
        raise InputError("unknown text encoding (not UTF-8 and no other encoding fits); convert it to UTF-8")
    if guess.encoding in _LATIN_FAMILY:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return str(guess)
