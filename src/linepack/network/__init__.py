"""linepack.network."""
