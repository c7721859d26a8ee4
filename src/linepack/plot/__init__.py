"""linepack.plot."""
