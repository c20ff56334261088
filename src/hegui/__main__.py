"""``python -m hegui`` runs the command line."""

from hegui.cli import main

main()
