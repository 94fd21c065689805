"""The home page, the about page and the health check."""
