"""The package build compiles the translation catalogues, so `pip install` alone gives a
Norwegian UI, and carries the checkout's top-level migrations/ and reports/ into the package, so
an installed wheel migrates and prints without a checkout. Everything else about the package is
declared in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# top-level folder of the checkout → where it lives inside the installed package
# (velferdslab/settings.py: MIGRATIONS_DIR, REPORT_TEMPLATES_DIR)
SHIPPED_FROM_THE_TOP = {"migrations": "migrations", "reports": "report_templates"}
CHECKOUT = Path(__file__).resolve().parent


class BuildPyWithCatalogues(build_py):
    """build_py, then the top-level folders copied into the build and each shipped messages.po
    compiled to messages.mo beside it."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout: `make install` compiles there
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        package = Path(self.build_lib, "velferdslab")
        for source, target in SHIPPED_FROM_THE_TOP.items():
            shutil.rmtree(package / target, ignore_errors=True)
            leave_out = shutil.ignore_patterns("__pycache__", "*.py[co]")
            shutil.copytree(CHECKOUT / source, package / target, ignore=leave_out)
        for po in (package / "translations").glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as source, po.with_suffix(".mo").open("wb") as target:
                write_mo(target, read_po(source))


setup(cmdclass={"build_py": BuildPyWithCatalogues})
