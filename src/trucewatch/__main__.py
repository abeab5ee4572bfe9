"""``python -m trucewatch``: the same as the ``trucewatch`` command."""

from trucewatch.cli import main

main()
