"""Example projects shipped as package data (``hegui demo`` copies ``demo/``)."""
