"""Timing scripts: run one with `python -m benchmarks.<name>`."""
