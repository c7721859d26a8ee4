"""Scenario sweeps: parameter grids and Monte Carlo samples, serial or on Dask, resumable.

Modules: :mod:`~linepack.sweep.spec` (``--param`` specs into a scenario table),
:mod:`~linepack.sweep.apply` (what a parameter changes, applying one scenario),
:mod:`~linepack.sweep.evaluate` (scenario → metrics row; general and fast paths),
:mod:`~linepack.sweep.store` (chunked Parquet output, resume), :mod:`~linepack.sweep.engine`
(plan, chunks, serial runner) and :mod:`~linepack.sweep.distributed` (Dask, imported only when
asked for). See ``docs/sweeps.md``.
"""
