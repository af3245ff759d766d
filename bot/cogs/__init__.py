"""Cogs: thin adapters from slash commands and events to the domain, the store and the UI."""
