"""Database backends of the platform (Django's, with what its load needs changed)."""
