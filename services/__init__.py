"""Framework-free services: settings, CargoTech client, formatting.

Nothing in this package imports Reflex, so it can be tested and reused on its own.
"""
