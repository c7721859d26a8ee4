"""Design and economic studies built on the steady solver: capacity, station placement, 42"/56" comparison, tariff."""
