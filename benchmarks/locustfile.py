"""locust: POST assessments at a fixed 10 req/s per user (10 users: 100 req/s) for the p99 bar."""

import datetime as dt
import itertools
import os

from locust import FastHttpUser, constant_throughput, task

FAMILIES = os.environ["BENCH_FAMILIES"].split(",")
HEADERS = {"Authorization": f"Bearer {os.environ['BENCH_TOKEN']}"}
LEVELS = itertools.cycle(["unsustainable", "exposed", "stable", "sustainable"])
TURN = itertools.count()


class TeamMember(FastHttpUser):
    wait_time = constant_throughput(10)

    @task
    def record_assessment(self) -> None:
        family = FAMILIES[next(TURN) % len(FAMILIES)]
        body = {
            "assessed_on": dt.date.today().isoformat(),
            "levels": {"housing": next(LEVELS), "work": "exposed"},
            "rationale": {"housing": "Ny leiekontrakt"},
        }
        self.client.post(
            f"/api/v1/families/{family}/assessments",
            json=body,
            headers=HEADERS,
            name="POST assessment",
        )
