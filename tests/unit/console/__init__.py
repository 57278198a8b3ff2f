"""Console tests that run without a classifier model (see conftest.py)."""
