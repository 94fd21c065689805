"""Use cases for measures: definitions and data entry (data.py), and chart panels (charts.py)."""
