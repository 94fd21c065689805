"""The leaders' portfolio: figures per organisation rolled up by system, region and nation."""
