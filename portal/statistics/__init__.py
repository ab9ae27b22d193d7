"""Honest comparisons (issue 15): confidence intervals, significance against a comparator and
Making Data Count SPC, as plain functions. Modules needing scipy or statsmodels import them on
first use, so importing this package costs nothing at app start-up."""
