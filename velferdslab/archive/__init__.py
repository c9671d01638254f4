"""Handing the case to the municipality's Noark 5 archive with KS's Fiks Arkiv protocol (issue 27):
what is archived, the arkivmelding, the outbox and its transports (docs/archive.md)."""
