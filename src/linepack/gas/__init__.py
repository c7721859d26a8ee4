"""linepack.gas."""
