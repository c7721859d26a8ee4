"""Scenario sweeps: parameter grids and Monte Carlo samples, serial or on Dask, resumable."""
