"""The `activate` subcommands, one module each."""
