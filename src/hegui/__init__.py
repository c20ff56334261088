"""hegui (合规): compliance engine for generative-AI services in China."""

__version__ = "0.1.0"
