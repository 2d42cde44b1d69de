"""activate: turn a Flox-format TOML manifest into a configured shell."""

__version__ = "0.1.0"
