"""linepack.steady."""
