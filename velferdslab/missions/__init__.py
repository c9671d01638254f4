"""Missions (samfunnsoppdrag): a target with a deadline that several labs pull toward, its
required path, where the region stands on it, what the plans promise, and the steering log."""
