"""Design and economic studies on the steady solver.

Capacity, compressor-station placement, the 42"/56" design comparison and the tariff.
"""
