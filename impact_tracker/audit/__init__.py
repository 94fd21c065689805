"""The audit log: who created, changed, deleted or exported what, and when."""
