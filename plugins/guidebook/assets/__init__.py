"""Stylesheet and script that guidebook adds to every site (package data, not code)."""
