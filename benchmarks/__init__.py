"""Side-by-side benchmarks of ig_widget's IntegratedGradients against captum's.

Run from the repository root: ``python -m benchmarks.run --quick`` (or ``--full``).
"""
