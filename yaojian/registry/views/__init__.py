"""Register pages of the work portal."""
