"""Lint rules over a loaded vault: findings with file, line and column."""

__all__: list[str] = []
