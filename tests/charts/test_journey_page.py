"""The journey chart of a fixture family where users meet it: on the family page (as the page's
markup, what a browser and a screen reader get) and on the family report's first page (as the
printed page looks, from poppler's picture and word boxes of it)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import tempfile
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.charts.test_journey import SVG, cells, parse
from tests.factories import add_assessment, auth, make_family, make_lab
from tests.reports.helpers import save_page_images
from tests.web.test_login import login
from velferdslab.charts.journey import COLUMN, GAP, LEVEL_COLOURS, ROW, UNASSESSED
from velferdslab.families.models import Family
from velferdslab.plans.models import Goal
from velferdslab.web.security import CSP

DOMAINS_NB = ["Bolig", "Arbeid", "Skole", "Nettverk", "Økonomi", "Helse", "Barnas oppvekstsvilkår"]
# What the fixture family's chart shows, worked out by hand: levels carry forward, the overall
# level is the lowest assessed one.
JOURNEY = {
    "06.01.2025": {"Bolig": "UH", "Arbeid": "UT", "Samlet": "UH"},
    "07.04.2025": {"Bolig": "ST", "Arbeid": "UT", "Økonomi": "BÆ", "Samlet": "UT"},
    "01.09.2025": {"Bolig": "ST", "Arbeid": "ST", "Økonomi": "BÆ", "Helse": "UT", "Samlet": "UT"},
}
NAMES = {"UH": "uholdbar", "UT": "utsatt", "ST": "stabil", "BÆ": "bærekraftig"}
NUMBER = {"UH": 0, "UT": 1, "ST": 2, "BÆ": 3}


def fixture_family(db: scoped_session) -> tuple[Family, object]:
    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, dt.date(2025, 1, 6), housing=0, work=1)
    add_assessment(db, family, dt.date(2025, 4, 7), overall=1, housing=2, finance=3)
    add_assessment(db, family, dt.date(2025, 9, 1), work=2, health=1)
    db.add(Goal(family_id=family.id, domain="housing", target_level=3, description=""))
    db.add(Goal(family_id=family.id, domain="health", target_level=2, description=""))
    db.flush()
    return family, lab


def test_the_family_page_shows_each_reading_domain_overall_and_goal_as_a_cell(
    client: FlaskClient, db: scoped_session
) -> None:
    family, lab = fixture_family(db)
    login(client, lab.member.username)  # type: ignore[attr-defined]
    response = client.get(f"/families/{family.id}")
    page = response.get_data(as_text=True)
    journey = page[page.index('id="journey"') :]
    svg = journey[journey.index("<svg") : journey.index("</svg>") + len("</svg>")]
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == f"Investeringsferd {family.reference}"
    assert root.findtext(f"{SVG}desc") == "Samlet: uholdbar (06.01.2025) → utsatt (01.09.2025)"

    found = cells(svg)
    shown = {words: letters for words, (_, _, letters) in found.items()}
    expected: dict[str, str | None] = {}
    for date, row in JOURNEY.items():
        for name in [*DOMAINS_NB, "Samlet"]:
            short = row.get(name)
            expected[f"{name}, {date}: {NAMES[short] if short else '–'}"] = short
    expected["Mål, Bolig: bærekraftig"] = "BÆ"
    expected["Mål, Helse: stabil"] = "ST"
    assert shown == expected
    patterns = {words: fill for words, (fill, _, _) in found.items() if not words.startswith("Mål")}
    assert patterns["Bolig, 06.01.2025: uholdbar"] == "url(#journey-level-0)"
    assert patterns["Helse, 01.09.2025: utsatt"] == "url(#journey-level-1)"
    assert patterns["Bolig, 07.04.2025: stabil"] == "url(#journey-level-2)"
    assert patterns["Økonomi, 07.04.2025: bærekraftig"] == LEVEL_COLOURS[3]  # solid
    assert patterns["Skole, 01.09.2025: –"] == UNASSESSED

    # The strict policy is sent, and nothing on the page needs inline styles or scripts.
    assert response.headers["Content-Security-Policy"] == CSP and "'unsafe-inline'" not in CSP
    assert not re.search(r"\sstyle=", page) and "<style" not in page
    # The table beside the chart has the same readings, for those who prefer a table.
    assert '<th scope="row">01.09.2025</th>' in page


def words_on_page(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """Every word on the first page with its box (x min, y min, x max, y max) in points."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html,
    )
    return [
        (w.replace("&amp;", "&"), float(a), float(b), float(c), float(d)) for a, b, c, d, w in found
    ]


def page_picture(pdf: Path, dpi: int) -> tuple[int, int, bytes]:
    """The first page as poppler draws it: width, height and RGB bytes (a binary PPM)."""
    data = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf)],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header is not None
    return int(header.group(1)), int(header.group(2)), data[header.end() :]


def close(a: tuple[int, int, int], b: str, within: int = 40) -> bool:
    target = tuple(int(b[i : i + 2], 16) for i in (1, 3, 5))
    return sum((x - y) ** 2 for x, y in zip(a, target, strict=True)) ** 0.5 <= within


def test_the_family_report_prints_the_same_cells_with_colours_and_patterns(
    client: FlaskClient, db: scoped_session
) -> None:
    family, lab = fixture_family(db)
    headers = auth(db, lab.lead)  # type: ignore[attr-defined]
    report = client.post(
        "/api/v1/reports", json={"kind": "family", "family_id": family.id}, headers=headers
    ).get_json()
    pdf_bytes = client.get(f"/api/v1/reports/{report['id']}/pdf", headers=headers).data
    save_page_images(pdf_bytes, "journey-chart-report")  # for a person to look at
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "report.pdf"
        pdf.write_bytes(pdf_bytes)
        words = words_on_page(pdf)
        dpi = 150
        width, _, pixels = page_picture(pdf, dpi)

    rows = sorted(((y0 + y1) / 2, w) for w, _, y0, _, y1 in words if w in JOURNEY)
    dates: dict[str, float] = {}
    for y, w in rows:  # the chart comes first; the same dates may stand in tables below it
        dates.setdefault(w, y)
    assert list(dates) == list(JOURNEY)  # one row per reading, oldest first
    unit = (dates["07.04.2025"] - dates["06.01.2025"]) / ROW  # points per unit of the chart
    first_row = [
        w for w in words if w[0] in NUMBER and abs((w[2] + w[4]) / 2 - dates["06.01.2025"]) < 3
    ]
    housing_x = min((x0 + x1) / 2 for _, x0, _, x1, _ in first_row)
    column_x = {name: housing_x + i * COLUMN * unit for i, name in enumerate(DOMAINS_NB)}
    column_x["Samlet"] = housing_x + (len(DOMAINS_NB) * COLUMN + GAP) * unit

    def pixel(x_pt: float, y_pt: float) -> tuple[int, int, int]:
        at = 3 * (round(y_pt * dpi / 72) * width + round(x_pt * dpi / 72))
        return pixels[at], pixels[at + 1], pixels[at + 2]

    printed: dict[str, dict[str, str]] = {date: {} for date in JOURNEY}
    for word, x0, y0, x1, y1 in words:
        x, y = (x0 + x1) / 2, (y0 + y1) / 2
        date = next((d for d, dy in dates.items() if abs(y - dy) < ROW * unit / 2), None)
        if word not in NUMBER or date is None:
            continue
        column = min(column_x, key=lambda name: abs(column_x[name] - x))
        assert abs(column_x[column] - x) < 3, (word, date, x)
        printed[date][column] = word
        level = NUMBER[word]
        # Beside the letters, on their plain ground: the level's colour.
        assert close(pixel(x0 - 1.5 * unit, y), LEVEL_COLOURS[level]), (date, column, word)
        # Towards the cell's edge, the pattern: the colour and lighter marks; the best is solid.
        strip = [
            pixel(x + side * dx * unit, y + dy * unit)
            for side in (-1, 1) for dx in (11.5, 13.0, 14.5) for dy in range(-7, 8)
        ]  # fmt: skip
        coloured = sum(close(p, LEVEL_COLOURS[level]) for p in strip)
        lighter = sum(sum(p) > sum(pixel(x0 - 1.5 * unit, y)) + 90 for p in strip)
        if level == 3:
            assert coloured == len(strip), (date, column)
        else:
            assert coloured > len(strip) / 8 and lighter > len(strip) / 10, (date, column, word)
    assert printed == JOURNEY
    # Unassessed domains are grey cells without letters.
    assert close(pixel(column_x["Skole"], dates["01.09.2025"]), UNASSESSED, within=12)
    # The goals, in their own row under the readings.
    goal_row = [w for w in words if w[0] == "Mål"]
    assert goal_row, "no goal row"
    goal_y = (goal_row[0][2] + goal_row[0][4]) / 2
    goals = {
        min(column_x, key=lambda n: abs(column_x[n] - ((x0 + x1) / 2 - 3.5 * unit))): w
        for w, x0, y0, x1, y1 in words
        if w in NUMBER and abs((y0 + y1) / 2 - goal_y) < 3
    }
    assert goals == {"Bolig": "BÆ", "Helse": "ST"}
