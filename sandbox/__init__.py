"""A local stand-in for the CargoTech API (see docs/cargotech-api.md).

Run it with `python -m sandbox`, build it with `sandbox.app.create_app(SandboxConfig(...))`,
or start it from tests with `sandbox.testing.SandboxServer`.
"""
