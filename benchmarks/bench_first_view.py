"""Pages as users meet them: the first view of each family's page (issue 18), beside the repeat
view, and a realistic load of signed-in users — gunicorn with 2 workers, auth and audit on.

    python benchmarks/bench_first_view.py --url URL      (PostgreSQL: $VELFERDSLAB_TEST_PG_URL)
    python benchmarks/bench_first_view.py --url sqlite   (a fresh SQLite file)
    … [--families 400] [--municipalities 9] [--users 50] [--seconds 60] [--sample 40]
    BENCH_PORT=18095 (default): the port gunicorn listens on.

Builds the demo data (9 municipalities, 400 families: each municipality has 3 investment leads,
11 team members and a leader), gives every lead, member and leader one password, and starts
`velferdslab.wsgi:app` as `velferdslab serve` does (2 sync workers).

1. Warm-up: each page kind on a few families kept apart for it, so both workers have
   compiled their templates and SQL; no measured family is among them.
2. First views, one request at a time: the family page of families nobody opened since the
   server started, as their investment lead (the page with the estimated gains) and as a team
   member; the assessment and spending forms of other such families; the dashboard of each
   municipality's leader (the first dashboard of each municipality). Every family is opened
   once: distinct families, not one family repeated.
3. Repeat views: the same requests again, three times each; the last counts (by then both
   workers have served it, so nothing a worker keeps is missing).
4. Load: `--users` signed-in users (half team members, half leads; several sessions of one
   person where the data has fewer people), each opening a different family page every 2 s,
   cycling through the families they may see, from a random start, for `--seconds`.

Times are measured by the client on 127.0.0.1 (the server's time plus well under a
millisecond). Each part reports the CPU everyone else's processes took meanwhile
(`other_cores`, see bench_api_load.Contention): the machine is shared. Prints JSON; exits
non-zero only when a bar is missed by a wide margin (3×).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_api_load import (
    BENCH_PASSWORD,
    Contention,
    _process_cpu,
    postmaster_pid,
    reset_database,
    session_cookie,
    start,
    stop,
)

PORT = int(os.environ.get("BENCH_PORT", "18095"))  # BENCH_PORT: another, on a shared machine
BARS = {"first_view_median_ms": 50.0, "first_to_repeat": 2.0, "load_p95_ms": 100.0}


@dataclass
class Person:
    username: str
    role: str  # "lead", "member" or "leader"
    families: list[int] = field(default_factory=list)  # pages they may open (leads: they lead)


def prepare(url: str, families: int, municipalities: int) -> list[Person]:
    from velferdslab import policy
    from velferdslab.app import create_app
    from velferdslab.demo.generator import generate
    from velferdslab.families.models import Family
    from velferdslab.schema import upgrade_database
    from velferdslab.users.models import User
    from velferdslab.users.services import hash_password
    from velferdslab.vocabulary import FamilyStatus, Role

    if url.startswith("postgresql"):
        reset_database(url)
    app = create_app({"DATABASE_URL": url, "ENV": "test", "SECRET_KEY": "bench"})
    upgrade_database(app)
    engine = create_engine(url)
    today = dt.date.today()
    people: list[Person] = []
    with Session(engine) as session:
        generate(session, families=families, municipalities=municipalities, seed=18)
        session.commit()
        session.execute(update(User).values(password_hash=hash_password(BENCH_PASSWORD)))
        for user in session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)):
            if user.has_role(Role.INVESTMENT_LEAD):
                led = session.scalars(
                    select(Family.id)
                    .where(Family.investment_lead_id == user.id)
                    .where(Family.status == FamilyStatus.ACTIVE)
                    .order_by(Family.id)
                )
                people.append(Person(user.username, "lead", list(led)))
            elif user.has_role(Role.TEAM_MEMBER):
                seen = session.scalars(
                    select(Family.id)
                    .where(policy.visible_families(user, "assessments.read", today))
                    .order_by(Family.id)
                )
                people.append(Person(user.username, "member", list(seen)))
            elif user.has_role(Role.LEADER) and user.municipality_id is not None:
                people.append(Person(user.username, "leader"))
        session.commit()
    engine.dispose()
    return [p for p in people if p.role == "leader" or p.families]


class Client:
    """One signed-in browser: its session cookie, one connection per request (as wrk's
    scripts and bench_api_load do)."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.cookie = session_cookie(PORT, person.username, BENCH_PASSWORD)

    def get(self, path: str) -> tuple[float, int]:
        """(milliseconds, status) of one GET; the body is read whole."""
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Cookie": self.cookie})
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError:
            status = 599
        finally:
            connection.close()
        return 1000 * (time.perf_counter() - started), status


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 1),
    }


@contextmanager
def contention(roots: set[int], into: dict[str, Any]) -> Iterator[None]:
    load = round(os.getloadavg()[0], 2)
    with Contention(roots) as measured:
        yield
    into.update(load_before=load, our_cores=measured.ours_cores, other_cores=measured.others_cores)


def first_and_repeat(requests: list[tuple[Client, str]], roots: set[int]) -> dict[str, Any]:
    """Each request once (a first view), then three more times; the last is the repeat view.
    Beside the times, the CPU the server (and PostgreSQL) spent per request: what a page costs
    whatever else the machine is doing."""
    first: list[float] = []
    repeat: list[float] = []
    errors = 0
    result: dict[str, Any] = {}
    with contention(roots, result):
        cpu = _process_cpu(roots)
        for client, path in requests:
            took, status = client.get(path)
            first.append(took)
            errors += status != 200
        first_cpu = _process_cpu(roots) - cpu
        for _ in range(2):
            for client, path in requests:
                client.get(path)
        cpu = _process_cpu(roots)
        for client, path in requests:
            took, status = client.get(path)
            repeat.append(took)
            errors += status != 200
        repeat_cpu = _process_cpu(roots) - cpu
    first_figures, repeat_figures = summary(first), summary(repeat)
    first_figures["server_cpu_ms"] = round(1000 * first_cpu / len(requests), 1)
    repeat_figures["server_cpu_ms"] = round(1000 * repeat_cpu / len(requests), 1)
    return {
        "first": first_figures,
        "repeat": repeat_figures,
        "first_to_repeat": round(first_figures["p50_ms"] / repeat_figures["p50_ms"], 2),
        "errors": errors,
        **result,
    }


def split_families(
    people: list[Person], role: str, taken: set[int], count: int
) -> list[tuple[Person, int]]:
    """Up to `count` (person, family) pairs of this role, every family distinct and not in
    `taken` (which grows), spread over the people in turn."""
    chosen: list[tuple[Person, int]] = []
    queues = [[f for f in p.families] for p in people if p.role == role]
    owners = [p for p in people if p.role == role]
    while len(chosen) < count and any(queues):
        for person, queue in zip(owners, queues, strict=True):
            while queue and queue[0] in taken:
                queue.pop(0)
            if queue and len(chosen) < count:
                family = queue.pop(0)
                taken.add(family)
                chosen.append((person, family))
    return chosen


def load(
    people: list[Person], users: int, seconds: int, roots: set[int], seed: int = 18
) -> dict[str, Any]:
    """`users` sessions, half members and half leads, each opening a different family page every
    2 s; starts are spread over the first 2 s. Returns the latency figures of all requests."""
    rng = random.Random(seed)
    members = [p for p in people if p.role == "member"]
    leads = [p for p in people if p.role == "lead"]
    sessions = [members[i % len(members)] for i in range(users - users // 2)]
    sessions += [leads[i % len(leads)] for i in range(users // 2)]
    clients = [Client(person) for person in sessions]
    times: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    begin = time.monotonic() + 1.0
    end = begin + seconds

    def user(index: int, client: Client) -> None:
        families = client.person.families
        position = rng.randrange(len(families))
        due = begin + 2.0 * index / len(clients)
        while due < end:
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            took, status = client.get(f"/families/{families[position % len(families)]}")
            with lock:
                times.append(took)
                statuses.append(status)
            position += 1
            due += 2.0

    threads = [
        threading.Thread(target=user, args=(i, c), daemon=True) for i, c in enumerate(clients)
    ]
    result: dict[str, Any] = {}
    with contention(roots, result):
        cpu = _process_cpu(roots)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu = _process_cpu(roots) - cpu
    return {
        **summary(times),
        "server_cpu_ms": round(1000 * cpu / max(1, len(times)), 1),
        "requests_per_s": round(len(times) / seconds, 1),
        "errors": sum(status != 200 for status in statuses),
        "sessions": {"members": len(sessions) - users // 2, "leads": users // 2},
        "distinct_people": len({c.person.username for c in clients}),
        **result,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("VELFERDSLAB_TEST_PG_URL", "sqlite"))
    parser.add_argument("--families", type=int, default=400)
    parser.add_argument("--municipalities", type=int, default=9)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--sample", type=int, default=40, help="first views per page kind")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-first-view-")
    url = f"sqlite:///{folder}/bench.db" if args.url == "sqlite" else args.url
    started = time.monotonic()
    people = prepare(url, args.families, args.municipalities)
    prepared_in = round(time.monotonic() - started, 1)
    env = {
        **os.environ,
        "VELFERDSLAB_DATABASE_URL": url,
        "VELFERDSLAB_ENV": "production",
        "VELFERDSLAB_SECRET_KEY": "bench-secret",
        "VELFERDSLAB_LOGIN_RATE_LIMIT": "100000 per minute",
        "VELFERDSLAB_REPORT_JOBS": "inline",
    }
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            print(f"port {PORT} is taken (someone else's server?): set BENCH_PORT", file=sys.stderr)
            return 2
    server = start("velferdslab.wsgi:app", PORT, env)
    roots = {server.pid}
    if url.startswith("postgresql"):
        roots.add(postmaster_pid(url))
    results: dict[str, Any] = {}
    try:
        clients = {p.username: Client(p) for p in people}
        taken: set[int] = set()
        # 1. warm-up, on families of its own
        warm = split_families(people, "lead", taken, 6) + split_families(people, "member", taken, 6)
        pages = ("/families/{}", "/families/{}/assessments/new", "/families/{}/expenditures/new")
        for person, family in warm:
            for path in pages if person.role == "member" else pages[:1]:
                clients[person.username].get(path.format(family))
        leaders = [p for p in people if p.role == "leader"]
        clients[leaders[-1].username].get("/dashboard")  # each worker once, probably
        clients[leaders[-1].username].get("/dashboard")
        # 2. and 3. first and repeat views
        kinds = {
            "family_page_lead": ("lead", "/families/{}"),
            "family_page_member": ("member", "/families/{}"),
            "assessment_form": ("member", "/families/{}/assessments/new"),
            "spending_form": ("member", "/families/{}/expenditures/new"),
        }
        for name, (role, path) in kinds.items():
            chosen = split_families(people, role, taken, args.sample)
            requests = [(clients[p.username], path.format(f)) for p, f in chosen]
            results[name] = first_and_repeat(requests, roots)
            print(f"{name}: {results[name]['first']}", file=sys.stderr)
        dashboards = [(clients[p.username], "/dashboard") for p in leaders[:-1]]
        results["dashboard"] = first_and_repeat(dashboards, roots)
        # 4. load
        print(f"load: {args.users} users for {args.seconds} s", file=sys.stderr)
        results["load"] = load(people, args.users, args.seconds, roots)
    finally:
        stop(server)
    results["setup"] = {
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "families": args.families,
        "municipalities": args.municipalities,
        "people": {
            role: sum(p.role == role for p in people) for role in ("lead", "member", "leader")
        },
        "workers": 2,
        "cpus": os.cpu_count(),
        "prepared_in_s": prepared_in,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    print(json.dumps(results, indent=2))
    shutil.rmtree(folder, ignore_errors=True)
    measured = [results[name] for name in (*kinds, "dashboard")]
    wide_miss = (
        any(page["first"]["p50_ms"] > 3 * BARS["first_view_median_ms"] for page in measured)
        or results["load"]["p95_ms"] > 3 * BARS["load_p95_ms"]
        or any(page["errors"] for page in measured)
        or results["load"]["errors"] > 0
    )
    return 1 if wide_miss else 0


if __name__ == "__main__":
    sys.exit(main())
