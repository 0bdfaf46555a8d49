"""Laurel's database backends (see laurel/db/postgresql)."""
