"""Models to JSON, in the field names the API contract fixes; one module per domain."""
