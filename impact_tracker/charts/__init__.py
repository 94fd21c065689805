"""Chart rendering with matplotlib's Figure (never pyplot): pure, no Flask."""
