"""Privacy by law: retention and anonymisation, legal holds, and a family member's access
request (docs/privacy.md)."""
