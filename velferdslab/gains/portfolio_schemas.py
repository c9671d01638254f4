"""The portfolio report's response schema (GET /reports/portfolio), apart from the figure
schemas it shares with the family's gains (velferdslab.gains.schemas)."""

from __future__ import annotations

import marshmallow as ma

from velferdslab.gains.lasting import COLUMNS
from velferdslab.gains.moves_schemas import evidence_field, waterfall_field
from velferdslab.gains.schemas import (
    LEVEL,
    BudgetUseSchema,
    CellsByLevelSchema,
    CellSchema,
    CellTableSchema,
    DistributionByDomainSchema,
    GoalsMetSchema,
    LevelDistributionSchema,
    PortfolioAssumptionSetSchema,
    PortfolioForecastSchema,
    PortfolioGainsSchema,
    ReachingStableSchema,
    SensitivitySchema,
    SuppressionSchema,
    WhoGainsSchema,
    WhoInvestsSchema,
    _cell,
    _number,
)
from velferdslab.vocabulary import DOMAINS


def _described(description: str) -> ma.fields.Nested:
    return ma.fields.Nested(CellSchema, required=True, metadata={"description": description})


MoveCountsSchema = ma.Schema.from_dict(
    {
        **{name: _cell() for name in COLUMNS},
        "denominator": _described(
            "Every family ever enrolled by then (intention to treat: concluded and withdrawn "
            "families keep their last reading)."
        ),
    },
    name="MoveCountsSchema",
)


class MoveQuarterSchema(MoveCountsSchema):  # type: ignore[misc,valid-type]
    quarter_end = ma.fields.Date(required=True, metadata={"description": "The last one is T."})
    at_stable_after_a_move = _described("lasting + not_yet_lasting.")


class MovesHeldSchema(ma.Schema):
    lasting = _cell()
    at_stable_after_a_move = _cell()
    share = ma.fields.Float(
        required=True, allow_none=True, metadata={"description": "0–1; null when hidden or none."}
    )


class PortfolioMovesSchema(ma.Schema):
    """The counts of each status of a set at T and at each quarter end, with the denominator;
    `not_assessed`: enrolled without an assessment yet."""

    as_of = ma.fields.Date(required=True)
    sustain_months = ma.fields.Integer(required=True)
    statuses = ma.fields.List(ma.fields.String(), required=True)
    counts = ma.fields.Nested(MoveCountsSchema, required=True)
    held = ma.fields.Nested(
        MovesHeldSchema,
        required=True,
        metadata={"description": "Of the families at stable after a move, those lasting."},
    )
    quarters = ma.fields.List(ma.fields.Nested(MoveQuarterSchema), required=True)


class SensitivityRangeSchema(ma.Schema):
    """The lowest and highest socioeconomic NPV when each assumption in turn moves ±20 %."""

    low = _number()
    high = _number()


class StableSharePointSchema(ma.Schema):
    quarter_end = ma.fields.Date(required=True)
    families = _cell()
    stable_or_better = _cell()
    share = ma.fields.Float(
        required=True, allow_none=True, metadata={"description": "0–1; null when hidden or none."}
    )
    stable_or_better_range = ma.fields.List(
        ma.fields.Integer(),
        required=True,
        allow_none=True,
        validate=ma.validate.Length(equal=2),
        metadata={
            "description": "When the count at stable or better is hidden but the families are "
            "shown and the rule tells where it lies: [low, high] (e.g. [1, 4]); else null."
        },
    )
    share_range = ma.fields.List(
        ma.fields.Float(),
        required=True,
        allow_none=True,
        validate=ma.validate.Length(equal=2),
        metadata={
            "description": "When the count at stable or better is hidden but the families "
            "are shown: the share's band [low, high] from the count's range; else null."
        },
    )


GROUPING = ma.validate.OneOf(("levels", "groups"))


class GroupedRowSchema(ma.Schema):
    """One quarter in the four levels, or in two groups (below stable, stable or better) where
    four would hide a cell."""

    grouping = ma.fields.String(required=True, validate=GROUPING)
    cells = ma.fields.List(ma.fields.Nested(CellSchema), required=True)
    total = _cell()


GroupedByDomainSchema = ma.Schema.from_dict(
    {d: ma.fields.List(ma.fields.Nested(GroupedRowSchema), required=True) for d in DOMAINS},
    name="GroupedByDomainSchema",
)


class GroupedMatrixSchema(CellTableSchema):
    grouping = ma.fields.String(required=True, validate=GROUPING)


class MunicipalityLineSchema(ma.Schema):
    """A municipality of a regional portfolio, each cell suppressed on its own."""

    municipality_id = ma.fields.Integer(required=True)
    municipality = ma.fields.String(required=True, allow_none=True)
    families = _cell()
    assessed = _cell()
    stable_or_better = _cell()
    share_stable_or_better = _cell()
    spending = _cell()
    socioeconomic_npv = _cell()
    socioeconomic_npv_per_family = _cell()


class PortfolioSchema(ma.Schema):
    municipality_id = ma.fields.Integer(required=True, allow_none=True)
    as_of = ma.fields.Date(required=True)
    assumption_set = ma.fields.Nested(PortfolioAssumptionSetSchema, required=True)
    family_count = _cell()
    levels = ma.fields.List(ma.fields.String(validate=LEVEL), required=True)
    level_distribution = ma.fields.Nested(LevelDistributionSchema, required=True)
    transition_matrix = ma.fields.Nested(CellTableSchema, required=True)
    level_distribution_by_domain = ma.fields.Nested(DistributionByDomainSchema, required=True)
    reaching_stable = ma.fields.Nested(ReachingStableSchema, required=True)
    goals = ma.fields.Nested(GoalsMetSchema, required=True)
    family_years_at_level = ma.fields.Nested(CellsByLevelSchema, required=True)
    gains = ma.fields.Nested(PortfolioGainsSchema, required=True)
    who_invests = ma.fields.List(ma.fields.Nested(WhoInvestsSchema), required=True)
    who_gains = ma.fields.List(ma.fields.Nested(WhoGainsSchema), required=True)
    budget_use = ma.fields.List(ma.fields.Nested(BudgetUseSchema), required=True)
    sensitivity = ma.fields.List(ma.fields.Nested(SensitivitySchema), required=True)
    suppression = ma.fields.Nested(SuppressionSchema, required=True)
    forecast = ma.fields.Nested(PortfolioForecastSchema, required=True)
    moves = ma.fields.Nested(PortfolioMovesSchema, required=True)
    waterfall = waterfall_field()
    evidence_grade = evidence_field()
    sensitivity_range = ma.fields.Nested(SensitivityRangeSchema, required=True, allow_none=True)
    stable_share_over_time = ma.fields.List(ma.fields.Nested(StableSharePointSchema), required=True)
    level_distribution_grouped = ma.fields.List(ma.fields.Nested(GroupedRowSchema), required=True)
    level_distribution_by_domain_grouped = ma.fields.Nested(GroupedByDomainSchema, required=True)
    transition_matrix_grouped = ma.fields.Nested(GroupedMatrixSchema, required=True)
    by_municipality = ma.fields.List(
        ma.fields.Nested(MunicipalityLineSchema),
        required=True,
        metadata={
            "description": "A regional portfolio's municipalities side by side; empty "
            "for one municipality."
        },
    )
