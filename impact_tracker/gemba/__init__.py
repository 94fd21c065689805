"""Gemba walks: leaders' walks with observations, concerns, ideas and actions, captured offline on tablets."""
