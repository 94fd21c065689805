"""Measures (outcome, process, balancing), their data points, rebases and annotations."""
