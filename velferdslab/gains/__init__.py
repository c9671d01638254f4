"""Gains of families and portfolios: the engine's input read from the database, and the API."""
