"""Message catalogs (data files)."""
