"""Packaged default templates of guidebook (package data, not code)."""
