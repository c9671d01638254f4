"""The benefit engine: pure calculation of gains from trajectories (no Flask, no database)."""
