"""While WeasyPrint renders, the application's objects are set aside from the cyclic garbage
collector (issue 18): they must always be given back, or a worker's memory would only grow."""

from __future__ import annotations

import gc

import pytest

from velferdslab.reports.pdf import _collecting_only_the_reports_own_objects


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_applications_objects_are_given_back_and_the_reports_garbage_is_collected() -> None:
    assert gc.get_freeze_count() == 0
    with _collecting_only_the_reports_own_objects():
        assert gc.get_freeze_count() > 0  # set aside while the report renders
        Cycle()  # the report's own cyclic garbage
        found_during = sum(isinstance(o, Cycle) for o in gc.get_objects())
    assert found_during == 1
    assert gc.get_freeze_count() == 0
    assert not any(isinstance(o, Cycle) for o in gc.get_objects())  # collected on the way out


def test_they_are_given_back_when_rendering_fails() -> None:
    with pytest.raises(ValueError), _collecting_only_the_reports_own_objects():
        raise ValueError("WeasyPrint refused a URL")
    assert gc.get_freeze_count() == 0
