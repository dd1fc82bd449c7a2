"""Lint rules over a loaded vault: findings with file, line and column."""
