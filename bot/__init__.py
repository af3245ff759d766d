"""Viva: a Discord bot that runs mock technical interviews for study groups."""

__version__ = "0.1.0"
