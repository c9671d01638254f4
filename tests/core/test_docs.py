"""The README a newcomer follows: its demo logins are the demo's, and every relative link of the
README and docs/ leads to a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

from velferdslab.demo.generator import DEMO_LOGINS

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_the_readme_lists_the_demo_logins_and_the_port() -> None:
    readme = (ROOT / "README.md").read_text()
    for username, password, _, _ in DEMO_LOGINS:
        assert f"| `{username}` | `{password}` |" in readme, username
    assert "make run PORT=" in readme


def test_every_relative_link_of_the_readme_and_docs_exists() -> None:
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in LINK.findall(page.read_text()):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert (page.parent / target).exists(), f"{page.name} links to {target}"
