"""The family's own pages under /min-side (issue 26): signed in with ID-porten, a session and
cookie of their own, the plan, the journey, the family's own reading, comments, consents, who
has looked, and the family's access package."""
