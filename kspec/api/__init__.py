"""API-machinery helpers: defaulting and validation of objects as plain dicts."""
