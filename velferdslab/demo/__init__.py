"""Deterministic, realistic demo data: real municipalities, synthetic people."""
