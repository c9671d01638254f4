"""The REST API under /api/v1: flask-smorest blueprints over the services and the policy."""
