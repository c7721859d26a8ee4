"""linepack.io."""
