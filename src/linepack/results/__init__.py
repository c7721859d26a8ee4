"""linepack.results."""
