"""Reading issued PDFs the way a person or an archive would: poppler's tools."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
        )
    # Thousands are separated by a narrow no-break space; compare with plain spaces.
    return done.stdout.decode().replace("\u202f", " ").replace("\u00a0", " ")


def pdf_metadata(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, check=True)
    return done.stdout.decode()


def pdf_attachments(pdf: bytes) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        out = Path(folder) / "out"
        out.mkdir()
        subprocess.run(
            ["pdfdetach", "-saveall", "-o", str(out), str(path)], capture_output=True, check=True
        )
        return {item.name: item.read_bytes() for item in out.iterdir()}


def save_page_images(pdf: bytes, name: str) -> list[Path]:
    """Every page as a PNG under the test artefacts, for a person to look at."""
    folder = Path(os.environ.get("VELFERDSLAB_ARTIFACTS", "test-artifacts")) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(source), str(folder / name)],
        capture_output=True,
        check=True,
    )
    return sorted(folder.glob(f"{name}*.png"))
