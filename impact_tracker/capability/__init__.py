"""Improvement capability and capacity: training tiers and records, workforce headcount, improvement posts."""
