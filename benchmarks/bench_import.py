"""Bar P10: spreadsheet import (import.md). W-lab's 60 families, with the full history the demo
generator gives them (its "national" journeys, 2–4 years each), exported as one workbook: the
dry run and the import each ≤ 5 s. W-national's 20 000 families (≈ 250 000 readings) imported
on PostgreSQL as a background job ≤ 5 min, peak memory ≤ 1 GB.

    python benchmarks/bench_import.py lab [--url URL]            (default: a fresh SQLite file)
    python benchmarks/bench_import.py national --url URL [--families N] [--format xlsx|zip]
                                           [--only import|dry-run|nothing]  (one run, or none)
                                           [--keep DIR]   (generate and export once, reuse after)
                                           [--inline]   (within the request: one thread to profile)

The generator fills the database; the exporter below writes every family of it as import.md's
template, addressed to the first municipality (its number, its agencies by kind, its first
investment lead), so the import creates them all anew there under their own references. Each
timed run is a POST /api/v1/imports in a process of its own (its peak RSS is the import's own):
W-lab within the request, W-national as the job `imports.run` (JOBS=thread) until `done`.
Exits non-zero only when a bar is missed by twice.

`--keep DIR` keeps the exported file in DIR and the generated database as a template (PostgreSQL:
the database `<name>_template` beside the URL's; SQLite: DIR/template.db), and a later run with
the same DIR, workload, size and format starts from them: each timed run then imports into a
fresh copy (`CREATE DATABASE … TEMPLATE`, or the file copied), so it costs only the import.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from typing import Any

from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

LEVELS = ("uholdbar", "utsatt", "stabil", "bærekraftig")
DOMAINS = {
    "housing": "Bolig", "work": "Arbeid", "school": "Skole", "network": "Nettverk",
    "finance": "Økonomi", "health": "Helse", "childhood": "Barnas oppvekst",
}  # fmt: skip
STATUS = {
    "referred": "henvist",
    "active": "aktiv",
    "concluded": "avsluttet",
    "withdrawn": "trukket",
}
PROTECTION = {
    "none": None,
    "confidential": "fortrolig",
    "strictly_confidential": "strengt fortrolig",
}
RELATION = {"parent": "forelder", "child": "barn", "youth": "ungdom", "other_adult": "annen voksen"}
SPENT = {"approved": "godkjent", "pending": "venter", "rejected": "avvist"}
HEADERS = {
    "Familier": ["Referanse *", "Kommunenummer *", "Status", "Henvist *", "Innskrevet",
                 "Avsluttet", "Investeringsleder", "Skjerming"],
    "Medlemmer": ["Referanse *", "Navn *", "Fødselsnummer", "Fødselsdato", "Relasjon"],
    "Kartlegginger": ["Referanse *", "Dato *", *DOMAINS.values()],
    "Budsjett": ["Referanse *", "År *", "Etat *", "Beløp *"],
    "Utgifter": ["Referanse *", "Dato *", "Beløp *", "Beskrivelse *", "Område", "Betalt av *",
                 "Status"],
    "Mål": ["Referanse *", "Område *", "Målnivå *", "Måldato *", "Beskrivelse"],
}  # fmt: skip
BARS = {"lab": 5.0, "national": 300.0}


def settings(url: str, jobs: str) -> dict[str, Any]:
    return {
        "DATABASE_URL": url,
        "ENV": "test",
        "SECRET_KEY": "bench",
        "JOBS": jobs,
        # W-national is one file of some 400 000 rows: the limits are an operator's to raise.
        "IMPORT_MAX_ROWS": 5_000_000,
        "IMPORT_MAX_UPLOAD_BYTES": 1 << 30,
    }


def generate(url: str, families: int, municipalities: int) -> None:
    from velferdslab.app import create_app
    from velferdslab.demo.generator import generate as fill
    from velferdslab.schema import upgrade_database

    engine = create_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_database(create_app(settings(url, "inline")))
    with Session(engine) as session:
        fill(session, families=families, municipalities=municipalities, seed=2026,
             workload="national")  # fmt: skip
        session.commit()
    engine.dispose()


def export(url: str) -> tuple[dict[str, list[list[Any]]], str]:
    """Every family of the database as import.md's sheets, for the first municipality; and
    the username of the lead who imports them."""
    from velferdslab.assessments.models import Assessment
    from velferdslab.budgets.models import Budget, Contribution, Expenditure
    from velferdslab.families.models import Family, Member
    from velferdslab.municipalities.models import Agency, Municipality
    from velferdslab.plans.models import Goal
    from velferdslab.users.models import User, UserRole
    from velferdslab.vocabulary import Role

    engine = create_engine(url)
    with Session(engine) as s:
        target = s.scalars(select(Municipality).order_by(Municipality.id)).first()
        assert target is not None
        names = {
            a.kind: a.name
            for a in s.scalars(select(Agency).where(Agency.municipality_id == target.id))
        }
        kind_of = dict(s.execute(select(Agency.id, Agency.kind)).all())
        lead = s.scalars(
            select(User).join(UserRole, UserRole.user_id == User.id)
            .where(User.municipality_id == target.id, UserRole.role == Role.INVESTMENT_LEAD,
                   User.agency_id.is_not(None))
            .order_by(User.id)
        ).first()  # fmt: skip
        assert lead is not None
        ref = dict(s.execute(select(Family.id, Family.reference)).all())
        sheets: dict[str, list[list[Any]]] = {name: [] for name in HEADERS}
        for f in s.scalars(select(Family).order_by(Family.id)):
            sheets["Familier"].append([
                f.reference, target.number, STATUS[f.status.value], f.referred_on.isoformat(),
                f.enrolled_on and f.enrolled_on.isoformat(),
                f.concluded_on and f.concluded_on.isoformat(), lead.username,
                PROTECTION[f.protection.value],
            ])  # fmt: skip
        for m in s.scalars(select(Member).order_by(Member.id)):
            sheets["Medlemmer"].append([
                ref[m.family_id], m.full_name, m.national_id,
                m.birth_date and m.birth_date.isoformat(), RELATION[m.relation.value],
            ])  # fmt: skip
        for a in s.scalars(select(Assessment).order_by(Assessment.id)):
            levels = [getattr(a, f"level_{d}") for d in DOMAINS]
            sheets["Kartlegginger"].append([
                ref[a.family_id], a.assessed_on.isoformat(),
                *(None if v is None else LEVELS[v] for v in levels),
            ])  # fmt: skip
        for budget_id, family_id, year in s.execute(
            select(Budget.id, Budget.family_id, Budget.year)
        ):
            for c in s.scalars(select(Contribution).where(Contribution.budget_id == budget_id)):
                sheets["Budsjett"].append(
                    [ref[family_id], year, names[kind_of[c.agency_id]], str(c.amount)]
                )
        for e in s.scalars(select(Expenditure).order_by(Expenditure.id)):
            sheets["Utgifter"].append([
                ref[e.family_id], e.spent_on.isoformat(), str(e.amount), e.description,
                DOMAINS.get(e.domain or ""), names[kind_of[e.paying_agency_id]],
                SPENT[e.status.value],
            ])  # fmt: skip
        for g in s.scalars(select(Goal).where(Goal.target_date.is_not(None)).order_by(Goal.id)):
            assert g.target_date is not None
            sheets["Mål"].append([
                ref[g.family_id], DOMAINS[g.domain], LEVELS[g.target_level],
                g.target_date.isoformat(), g.description,
            ])  # fmt: skip
    engine.dispose()
    return sheets, lead.username


def as_xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(HEADERS[name])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_zip(sheets: dict[str, list[list[Any]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in sheets.items():
            text_buffer = io.StringIO()
            writer = csv.writer(text_buffer, delimiter=";")
            writer.writerow(HEADERS[name])
            writer.writerows(["" if v is None else v for v in row] for row in rows)
            archive.writestr(f"{name}.csv", text_buffer.getvalue().encode("utf-8"))
    return buffer.getvalue()


def run_one(url: str, path: str, lead: str, dry_run: bool, background: bool) -> dict[str, Any]:
    """In a process of its own: POST the file, wait for the job when it went to one."""
    from velferdslab import jobs
    from velferdslab.app import create_app
    from velferdslab.auth.tokens import issue_token
    from velferdslab.extensions import db
    from velferdslab.users.models import User

    app = create_app(settings(url, "thread" if background else "inline"))
    app.config["IMPORT_BACKGROUND_ROWS"] = 0 if background else 10_000_000
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == lead)).one()
        headers = {"Authorization": f"Bearer {issue_token(db.session, user, 3600)}"}
        db.session.commit()
    data = open(path, "rb").read()  # noqa: SIM115 (read whole, closed by the GC at once)
    client = app.test_client()
    profiler = None
    if os.environ.get("BENCH_PROFILE"):  # a cProfile of the timed span, to that path
        import cProfile

        # CPU time (the process's), not wall: on this shared machine waits would blur it.
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    started, cpu_started = time.perf_counter(), time.process_time()
    answer = client.post(
        f"/api/v1/imports?dry_run={'true' if dry_run else 'false'}",
        data={"file": (io.BytesIO(data), os.path.basename(path))},
        headers=headers,
        content_type="multipart/form-data",
    )
    body = answer.get_json()
    if answer.status_code == 202:
        future = jobs.submitted(app, "imports.run", import_id=body["id"])
        assert future is not None
        future.result()
        body = client.get(f"/api/v1/imports/{body['id']}", headers=headers).get_json()
    took = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE"] + (".dry" if dry_run else ".import"))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "status_code": answer.status_code,
        "status": body["status"],
        "counts": body["counts"],
        "errors": sum(1 for p in body["report"] if p["severity"] == "error"),
        "seconds": round(took, 2),
        # The process's CPU time over the same span: steadier than seconds on a shared machine.
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
    }


def timed(url: str, path: str, lead: str, dry_run: bool, background: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "one", "--url", url, "--file", path, "--lead", lead]
    command += ["--dry-run"] * dry_run + ["--background"] * background
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        print(done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(done.returncode)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _admin(url: URL) -> Any:
    """An AUTOCOMMIT engine on the server's `postgres` database (CREATE/DROP DATABASE)."""
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _copy_database(source: str, target: str) -> None:
    """`target` made afresh as a copy of `source` (both URLs on the same server or SQLite)."""
    src, dst = make_url(source), make_url(target)
    if src.get_backend_name() == "sqlite":
        assert src.database and dst.database
        shutil.copyfile(src.database, dst.database)
        return
    engine = _admin(dst)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{dst.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{dst.database}" TEMPLATE "{src.database}"'))
    engine.dispose()


def _template_url(url: str, keep: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{os.path.join(os.path.abspath(keep), 'template.db')}"
    template = parsed.set(database=f"{parsed.database}_template")
    engine = _admin(parsed)
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": template.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{template.database}"'))
    engine.dispose()
    return template.render_as_string(hide_password=False)


def prepared(url: str, keep: str | None, workload: str, families: int, fmt: str) -> tuple[str, str]:
    """The exported file and the importing lead's username: generated into `url`, or with
    `keep` into the kept template (once) and copied into `url` for this run."""
    national = workload == "national"
    wanted = {"workload": workload, "families": families, "format": fmt}
    meta_path = os.path.join(keep, "meta.json") if keep else ""
    if keep and os.path.exists(meta_path):
        meta = json.load(open(meta_path))  # noqa: SIM115
        if {k: meta[k] for k in wanted} != wanted:
            raise SystemExit(f"{keep} keeps {meta}, not {wanted}: use another --keep DIR")
        _copy_database(meta["template"], url)
        print(f"reused {meta['path']} and {meta['template']} (copied into this run's database)")
        return meta["path"], meta["lead"]
    folder = keep or tempfile.mkdtemp(prefix="bench-import-")
    if keep:
        os.makedirs(keep, exist_ok=True)
    source = _template_url(url, keep) if keep else url
    started = time.perf_counter()
    generate(source, families, 40 if national and families >= 40 else 1)
    sheets, lead = export(source)
    content = as_zip(sheets) if fmt == "zip" else as_xlsx(sheets)
    path = os.path.join(folder, f"lab.{fmt}")
    with open(path, "wb") as out:
        out.write(content)
    print(f"generated and exported {families} families in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{k} {len(v)}" for k, v in sheets.items())
          + f"; {len(content) / 1e6:.1f} MB .{fmt}")  # fmt: skip
    if keep:
        with open(meta_path, "w") as out:
            json.dump({**wanted, "path": path, "lead": lead, "template": source}, out)
        _copy_database(source, url)
    return path, lead


def main() -> int:
    parser = argparse.ArgumentParser(description="P10: spreadsheet import")
    parser.add_argument("workload", choices=["lab", "national", "one"])
    parser.add_argument("--url", default=os.environ.get("VELFERDSLAB_BENCH_URL"))
    parser.add_argument("--families", type=int)
    parser.add_argument("--format", choices=["xlsx", "zip"], default="xlsx")
    parser.add_argument("--file")
    parser.add_argument("--lead")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--background", action="store_true")
    parser.add_argument("--only", choices=["import", "dry-run", "nothing"])
    parser.add_argument("--inline", action="store_true", help="within the request, not a job")
    parser.add_argument("--keep", help="keep the file and a template database here; reuse them")
    args = parser.parse_args()
    if args.workload == "one":
        print(json.dumps(run_one(args.url, args.file, args.lead, args.dry_run, args.background)))
        return 0
    national = args.workload == "national"
    families = args.families or (20_000 if national else 60)
    if args.url:
        url = args.url
    else:
        folder = args.keep or tempfile.mkdtemp(prefix="bench-import-")
        os.makedirs(folder, exist_ok=True)
        url = f"sqlite:///{os.path.abspath(folder)}/bench.db"
    path, lead = prepared(url, args.keep, args.workload, families, args.format)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    bar = BARS["national" if national else "lab"]
    worst = 0.0
    for dry_run in {None: (True, False), "dry-run": (True,), "import": (False,), "nothing": ()}[
        args.only
    ]:
        result = timed(url, path, lead, dry_run, background=national and not args.inline)
        worst = max(worst, result["seconds"] / bar)
        print(f"P10 {'dry run' if dry_run else 'import '} {args.workload}: {json.dumps(result)} "
              f"(bar {bar:.0f} s)")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    return 1 if worst > 2 else 0


if __name__ == "__main__":
    sys.exit(main())
