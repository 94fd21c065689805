"""Plan-Do-Study-Act cycles: the worksheet, ramps of cycles per change idea, and the timeline."""
