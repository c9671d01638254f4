"""Reading what labs actually have: CSVs in both encodings and separators, Norwegian dates and
amounts, a fødselsnummer that begins with 0, and formula cells kept as the text typed."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from velferdslab.imports.mapping import map_sheets, parse_all
from velferdslab.imports.reading import RawSheet, read_upload
from velferdslab.imports.values import BadValue, as_text, parse_date, parse_import_amount

# A valid fødselsnummer beginning with 0 (born 01.01.1990; both check digits hold).
LEADING_ZERO_ID = "01019010046"
MEMBERS_CSV = (
    f"Referanse *;Navn *;Fødselsnummer;Relasjon\r\nLAB-1;Åse Ødegård;{LEADING_ZERO_ID};forelder\r\n"
)


def members_of(name: str, content: bytes) -> list[dict[str, object]]:
    mapped = map_sheets(read_upload(name, content, 1000))
    families = parse_all(mapped)
    assert [p for p in mapped.problems if p.severity == "error"] == []
    return [row.values for row in families["LAB-1"]["members"]]


def test_leading_zero_national_id_is_valid_for_this_test() -> None:
    from velferdslab.people.national_id import is_valid

    assert is_valid(LEADING_ZERO_ID)


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8-sig", ";"), ("utf-8", ","), ("cp1252", ";"), ("cp1252", ",")],
)
def test_csv_in_each_encoding_and_separator_reads_the_same(encoding: str, separator: str) -> None:
    content = MEMBERS_CSV.replace(";", separator).encode(encoding)
    [member] = members_of("Medlemmer.csv", content)
    assert member["full_name"] == "Åse Ødegård"
    assert member["national_id"] == LEADING_ZERO_ID  # text: the leading 0 stays
    assert member["relation"] == "parent"


def test_english_headers_and_sheet_names_are_accepted() -> None:
    content = b"Reference;Name;National id;Relation\nLAB-1;Ola;;child\n"
    [member] = members_of("Members.csv", content)
    assert (member["full_name"], member["relation"]) == ("Ola", "child")


def test_a_national_id_stored_as_a_number_gets_its_0_back_with_a_warning() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Medlemmer"
    sheet.append(["Referanse", "Navn", "Fødselsnummer", "Relasjon"])
    sheet.append(["LAB-1", "Åse", int(LEADING_ZERO_ID), "forelder"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    mapped = map_sheets(read_upload("lab.xlsx", buffer.getvalue(), 1000))
    assert parse_all(mapped)["LAB-1"]["members"][0].values["national_id"] == LEADING_ZERO_ID
    [warning] = mapped.problems
    assert (warning.severity, warning.code, warning.row, warning.column) == (
        "warning", "national_id_zero", 2, "Fødselsnummer",
    )  # fmt: skip
    assert warning.value == "********46"  # the cell as Excel shows it, masked but 2 digits


def test_formula_cells_are_stored_as_the_text_typed() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Medlemmer"
    sheet.append(["Referanse", "Navn", "Relasjon"])
    sheet.append(["LAB-1", '=HYPERLINK("http://evil.example","Kari")', "forelder"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    [member] = members_of("lab.xlsx", buffer.getvalue())
    assert member["full_name"] == '=HYPERLINK("http://evil.example","Kari")'


@pytest.mark.parametrize(
    "cell",
    ["31.12.2024", "2024-12-31", dt.datetime(2024, 12, 31), dt.date(2024, 12, 31), 45657],
)
def test_dates_norwegian_iso_and_excel(cell: object) -> None:
    assert parse_date(cell) == dt.date(2024, 12, 31)  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", ["31/12/2024", "12.31.2024", "i går"])
def test_other_date_forms_are_refused(cell: str) -> None:
    with pytest.raises(BadValue):
        parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "kroner"),
    [
        ("1 234,50", "1234.50"),
        ("1234,5", "1234.50"),
        ("kr 1 234", "1234.00"),
        ("1.234.567", "1234567.00"),
        ("1\u00a0234,50 kr", "1234.50"),
        ("-500", "-500.00"),
        (1234.5, "1234.50"),
        (80000, "80000.00"),
    ],
)
def test_amounts_in_norwegian_form(cell: object, kroner: str) -> None:
    assert parse_import_amount(cell) == Decimal(kroner)  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", ["1,234", "ti kroner", "1 234,505", "12e3x"])
def test_amounts_that_are_not_kroner_are_refused(cell: str) -> None:
    with pytest.raises(BadValue):
        parse_import_amount(cell)


def test_a_workbook_reads_the_same_by_calamine_as_by_openpyxl() -> None:
    """A workbook without formulas is read by python-calamine (much faster); what it gives the
    mapping is what openpyxl gives: text, whole numbers, dates, empty cells and row numbers."""
    from velferdslab.imports.reading import _read_openpyxl, read_xlsx

    book = Workbook()
    sheet = book.active
    sheet.title = "Utgifter"
    sheet.append(["Referanse *", "Dato *", "Beløp *", "Beskrivelse *", "Fødselsnummer"])
    sheet.append(["LAB-1", dt.date(2024, 12, 31), 1250, "Leksehjelp", LEADING_ZERO_ID])
    sheet.append([None, None, None, None, None])  # a blank row keeps the numbers after it
    sheet.append(["LAB-1", dt.datetime(2025, 1, 2, 0, 0), 99.5, " Buss ", 1019010046])
    buffer = io.BytesIO()
    book.save(buffer)
    fast, slow = read_xlsx(buffer.getvalue()), _read_openpyxl(buffer.getvalue())
    assert [(s.name, s.headers) for s in fast] == [(s.name, s.headers) for s in slow]

    def shown(sheets: list[RawSheet]) -> list[tuple[int, list[str]]]:
        return [(n, [as_text(c) for c in cells]) for n, cells in sheets[0].rows]

    assert shown(fast) == shown(slow)
    assert [number for number, _ in fast[0].rows] == [2, 4]
    # openpyxl gives a date cell as a datetime at midnight, calamine as a date: one value parsed
    assert [parse_date(cells[1]) for _, cells in fast[0].rows] == [
        parse_date(cells[1]) for _, cells in slow[0].rows
    ]
    assert fast[0].rows[1][1][2] == 99.5 and fast[0].rows[0][1][2] == 1250
