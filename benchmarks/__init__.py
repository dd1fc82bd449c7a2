"""Benchmarks and the synthetic vaults they run on; run each as ``python -m benchmarks.NAME``."""
