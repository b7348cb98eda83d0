"""Bruggen's analysis library.

Importing ``analysis`` is cheap: submodules load their heavy dependencies (pandas,
statsmodels, great-expectations, plotly) only when used.

Stages, left to right (see the README):
``study`` (catalog) -> ``ingest`` -> ``validate`` (the gate) -> ``prepare`` -> analyses
(``collaboration`` ...) -> ``disclosure`` -> ``report``.
"""

__version__ = "0.1.0"
