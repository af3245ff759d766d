"""Rendering for Discord: embeds within Discord's limits, views, modals, safe replies."""
