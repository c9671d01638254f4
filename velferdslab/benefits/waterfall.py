"""From gross to net (benefit-model.md, "Lasting moves, the way from gross to net, …"): the NPVs
at T priced with the adjustments switched on one at a time, in the spec's order, from neutral
values. The first bar is the gross value, each later one what its parameter takes off (or
adds), and the last step's NPVs are the figures shown everywhere else, priced the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from velferdslab.benefits.engine import Prepared, evaluate
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.results import npv_pair

# (step, the assumption set's parameter it switches on); "discounting" sets every r(y).
STEPS: tuple[tuple[str, str], ...] = (
    ("deadweight", "deadweight"),
    ("attribution", "attribution"),
    ("success_rate", "success_rate"),
    ("drop_off", "drop_off"),
    ("optimism_bias", "optimism_bias"),
    ("discounting", "discount_schedule"),
)
GROSS = "gross"


def neutral(params: AssumptionParams) -> AssumptionParams:
    """The set with every adjustment of the waterfall off: w = α = δ = ob = 0, s = 1, r(y) = 0
    (the schedule's years kept, so the last step changes only the rates)."""
    return params.with_changes(
        deadweight=0.0,
        attribution=0.0,
        success_rate=1.0,
        drop_off=0.0,
        optimism_bias={grade: 0.0 for grade in params.optimism_bias},
        discount_schedule=tuple((year, 0.0) for year, _ in params.discount_schedule),
    )


def stepped_params(params: AssumptionParams) -> list[tuple[str, AssumptionParams]]:
    """The gross set, then each step's: the one before with one more parameter switched on."""
    current = neutral(params)
    out = [(GROSS, current)]
    for step, name in STEPS:
        current = current.with_changes(**{name: getattr(params, name)})
        out.append((step, current))
    return out


def _value(params: AssumptionParams, name: str) -> Any:
    if name == "discount_schedule":
        return [{"from_year": y, "rate": r} for y, r in params.discount_schedule]
    if name == "optimism_bias":
        return dict(params.optimism_bias)
    return getattr(params, name)


def waterfall(
    prepared: Prepared, params: AssumptionParams, family_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """The bars for the families given (all prepared when None): each with its parameter, value,
    source, amount (the change of the socioeconomic NPV; `fiscal_amount` of the fiscal NPV) and
    the fiscal and socioeconomic NPV after it."""
    bars: list[dict[str, Any]] = []
    before: tuple[float, float] = (0.0, 0.0)
    names = dict(STEPS)
    for step, stepped in stepped_params(params):
        fiscal, socio = npv_pair(evaluate(prepared, stepped), family_ids)
        name = names.get(step)
        bars.append(
            {
                "step": step,
                "parameter": name,
                "value": None if name is None else _value(params, name),
                "source": None if name is None else params.sources.get(name),
                "amount": socio - before[1],
                "fiscal_amount": fiscal - before[0],
                "fiscal_npv": fiscal,
                "socioeconomic_npv": socio,
            }
        )
        before = (fiscal, socio)
    return bars
