"""Event extraction: PLOVER categories, modes and attributes from parsed sentences."""
