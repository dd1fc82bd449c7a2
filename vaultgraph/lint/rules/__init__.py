"""The lint rules, one per module; ``vaultgraph.lint.registry.RULES`` lists them in code order."""

__all__: list[str] = []
