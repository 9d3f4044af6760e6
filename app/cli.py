"""Flask CLI commands: deploy processes, seed demo data."""
from flask import Flask


def register(app: Flask) -> None:
    return None
