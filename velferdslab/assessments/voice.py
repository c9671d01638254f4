"""The reasons and the family's voice per domain: the team's level with its rationale, and the
family's own reading where it differs (Outcomes Star keeps both readings; so does this)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from velferdslab.assessments.models import Assessment
from velferdslab.vocabulary import DOMAINS


@dataclass(frozen=True)
class DomainReading:
    """One assessment's word on one domain."""

    domain: str
    assessed_on: dt.date
    level: int | None
    family_level: int | None
    rationale: str

    @property
    def differs(self) -> bool:
        """The family read its situation otherwise than the team did."""
        return self.family_level is not None and self.family_level != self.level


def _reading(assessment: Assessment, domain: str) -> DomainReading | None:
    level = getattr(assessment, f"level_{domain}")
    family_level = getattr(assessment, f"family_level_{domain}")
    rationale = str((assessment.rationale or {}).get(domain) or "").strip()
    if level is None and family_level is None and not rationale:
        return None  # the domain was not assessed that day
    return DomainReading(domain, assessment.assessed_on, level, family_level, rationale)


def domain_history(assessments: Sequence[Assessment], domain: str) -> list[DomainReading]:
    """Every assessment's word on the domain, newest first (`assessments` in date order)."""
    readings = (_reading(a, domain) for a in reversed(assessments))
    return [reading for reading in readings if reading is not None]


def latest_readings(assessments: Sequence[Assessment]) -> dict[str, DomainReading | None]:
    """Per domain, the newest assessment that said something about it."""
    latest: dict[str, DomainReading | None] = dict.fromkeys(DOMAINS)
    for assessment in reversed(assessments):
        for domain in DOMAINS:
            if latest[domain] is None:
                latest[domain] = _reading(assessment, domain)
        if all(latest.values()):
            break
    return latest


def latest_rationale(assessments: Sequence[Assessment]) -> dict[str, DomainReading]:
    """Per domain, the newest rationale written (for the next assessment to offer)."""
    found: dict[str, DomainReading] = {}
    for assessment in reversed(assessments):
        for domain in DOMAINS:
            reading = _reading(assessment, domain)
            if domain not in found and reading is not None and reading.rationale:
                found[domain] = reading
    return found
