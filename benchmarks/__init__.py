"""The benchmark: end-to-end measures of the tool beside the baselines and targets it is judged against.

Run with ``make bench`` or ``python -m benchmarks`` (see ``__main__``); the readers' micro-measures are in
``benchmarks/micro`` (pytest-benchmark). Not part of the app's package: nothing in ``rankings`` imports it.
"""
