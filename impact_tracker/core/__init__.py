"""What every domain shares: errors, permissions, pagination, forms, templating. Imports no domain."""
