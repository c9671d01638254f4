"""Assumption sets: the shipped default is complete and sourced; bad sets are refused by field."""

from __future__ import annotations

import pytest

from velferdslab.benefits.params import InvalidAssumptions, from_dict, load_toml, to_dict
from velferdslab.settings import DEFAULTS_DIR
from velferdslab.vocabulary import DOMAINS

DEFAULT = DEFAULTS_DIR / "assumptions" / "velferdslab-standard.toml"


def test_the_default_covers_every_domain_and_sources_every_value() -> None:
    params = load_toml(DEFAULT)
    assert {item.domain for item in params.cost_items} == set(DOMAINS)
    for item in params.cost_items:
        assert item.source.strip()
        assert item.illustrative == item.source.startswith("illustrativ")  # bokmål, as shipped
        assert list(item.annual_cost) == sorted(item.annual_cost, reverse=True)
    scalars = (
        "success_rate",
        "deadweight",
        "attribution",
        "drop_off",
        "horizon_years",
        "discount_schedule",
        "tax_financing_cost",
        "optimism_bias",
        "overall_rule",
    )
    for name in scalars:
        assert params.sources.get(name), name
    assert (params.success_rate, params.drop_off, params.horizon_years) == (0.6, 0.15, 10)


def test_a_set_survives_the_round_trip_through_the_api_shape() -> None:
    params = load_toml(DEFAULT)
    assert from_dict(to_dict(params)) == params


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"success_rate": 1.5}, "success_rate"),
        ({"horizon_years": -1}, "horizon_years"),
        ({"discount_schedule": [{"from_year": 2, "rate": 0.04}]}, "discount_schedule"),
        ({"optimism_bias": {"A": 0.0, "B": 0.1}}, "optimism_bias"),
        ({"overall_rule": "mean"}, "overall_rule"),
    ],
)
def test_bad_parameters_name_their_field(change: dict, field: str) -> None:  # type: ignore[type-arg]
    data = {**to_dict(load_toml(DEFAULT)), **change}
    with pytest.raises(InvalidAssumptions) as caught:
        from_dict(data)
    assert field in caught.value.errors


def test_a_fiscal_item_needs_a_public_payer() -> None:
    data = to_dict(load_toml(DEFAULT))
    data["cost_items"][0] = {**data["cost_items"][0], "payer": "household", "category": "fiscal"}
    with pytest.raises(InvalidAssumptions) as caught:
        from_dict(data)
    assert "public payer" in caught.value.errors["cost_items.0"][0]
