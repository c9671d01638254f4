"""The API's shapes of gains and the portfolio: each nested table a named schema, so a generated
client gets types instead of free-form objects."""

from __future__ import annotations

import marshmallow as ma

from velferdslab.gains.moves_schemas import FamilyMovesSchema, evidence_field, waterfall_field
from velferdslab.vocabulary import DOMAINS, LEVELS, Category, Payer, values

LEVEL = ma.validate.OneOf(LEVELS)


def _number(**kwargs: object) -> ma.fields.Float:
    return ma.fields.Float(required=True, **kwargs)  # type: ignore[arg-type]


class AssumptionSetRefSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)


class PortfolioAssumptionSetSchema(AssumptionSetRefSchema):
    illustrative = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "The values of the set marked illustrative, by name."},
    )


class ByCategorySchema(ma.Schema):
    """NOK by benefit category, and their sum."""

    fiscal = _number()
    economic = _number()
    social = _number()
    total = _number()


class PayerFiguresSchema(ma.Schema):
    realised = _number()
    projected_pv = _number()
    total = _number()


ByPayerSchema = ma.Schema.from_dict(
    {payer: ma.fields.Nested(PayerFiguresSchema, required=True) for payer in values(Payer)},
    name="ByPayerSchema",
)
DomainLevelsSchema = ma.Schema.from_dict(
    {d: ma.fields.String(required=True, allow_none=True, validate=LEVEL) for d in DOMAINS},
    name="DomainLevelsSchema",
)


class CategoryPayerSchema(ma.Schema):
    category = ma.fields.String(required=True, validate=ma.validate.OneOf(values(Category)))
    payer = ma.fields.String(required=True, validate=ma.validate.OneOf(values(Payer)))
    realised = _number()
    projected_pv = _number()


class AgencySpendingSchema(ma.Schema):
    agency_id = ma.fields.Integer(required=True)
    agency = ma.fields.String(required=True, allow_none=True)
    amount = _number()


class AgencyContributionSchema(AgencySpendingSchema):
    year = ma.fields.Integer(required=True)


class FiguresSchema(ma.Schema):
    """The figures of /gains (benefit-model.md, "Results per family")."""

    fiscal_npv = _number()
    socioeconomic_npv = _number()
    fiscal_bcr = _number(allow_none=True)
    socioeconomic_bcr = _number(allow_none=True)
    payback_years = ma.fields.Integer(required=True, allow_none=True)
    spending = _number()
    realised = ma.fields.Nested(ByCategorySchema, required=True)
    projected_pv = ma.fields.Nested(ByCategorySchema, required=True)
    by_payer = ma.fields.Nested(ByPayerSchema, required=True)


class GainsSchema(FiguresSchema):
    """A family's figures with what they rest on."""

    family_id = ma.fields.Integer(required=True)
    reference = ma.fields.String(required=True)
    as_of = ma.fields.Date(required=True)
    assumption_set = ma.fields.Nested(AssumptionSetRefSchema, required=True)
    by_category_and_payer = ma.fields.List(ma.fields.Nested(CategoryPayerSchema), required=True)
    spending_by_agency = ma.fields.List(ma.fields.Nested(AgencySpendingSchema), required=True)
    contributions = ma.fields.List(ma.fields.Nested(AgencyContributionSchema), required=True)
    baseline = ma.fields.Nested(DomainLevelsSchema, required=True)
    current = ma.fields.Nested(DomainLevelsSchema, required=True)
    baseline_overall = ma.fields.String(required=True, allow_none=True, validate=LEVEL)
    current_overall = ma.fields.String(required=True, allow_none=True, validate=LEVEL)
    moves = ma.fields.Nested(FamilyMovesSchema, required=True)
    waterfall = waterfall_field()
    evidence_grade = evidence_field()


class CellSchema(ma.Schema):
    """One figure of the portfolio. For a leader, a figure resting on fewer families than the
    threshold is suppressed: `suppressed` is true and `value` is null — never the number."""

    value = ma.fields.Float(required=True, allow_none=True)
    suppressed = ma.fields.Boolean(required=True)


def _cell() -> ma.fields.Nested:
    return ma.fields.Nested(CellSchema, required=True)


CellsByCategorySchema = ma.Schema.from_dict(
    {key: _cell() for key in (*values(Category), "total")}, name="CellsByCategorySchema"
)
CellsByLevelSchema = ma.Schema.from_dict(
    {level: _cell() for level in LEVELS}, name="CellsByLevelSchema"
)


class PortfolioGainsSchema(ma.Schema):
    spending = _cell()
    fiscal_npv = _cell()
    socioeconomic_npv = _cell()
    fiscal_bcr = _cell()
    socioeconomic_bcr = _cell()
    payback_years = _cell()
    realised = ma.fields.Nested(CellsByCategorySchema, required=True)
    projected_pv = ma.fields.Nested(CellsByCategorySchema, required=True)


class ReachingStableSchema(ma.Schema):
    stable_or_sustainable = _cell()
    below_stable = _cell()
    families = _cell()


class GoalsMetSchema(ma.Schema):
    met = _cell()
    not_met = _cell()
    goals = _cell()


class InvestedInYearSchema(ma.Schema):
    year = ma.fields.Integer(required=True)
    contributed = _cell()
    spent = _cell()


class WhoInvestsSchema(ma.Schema):
    agency_id = ma.fields.Integer(required=True)
    agency = ma.fields.String(required=True, allow_none=True)
    government_level = ma.fields.String(required=True, allow_none=True)
    contributed = _cell()
    spent = _cell()
    by_year = ma.fields.List(ma.fields.Nested(InvestedInYearSchema), required=True)


class WhoGainsSchema(ma.Schema):
    payer = ma.fields.String(required=True, validate=ma.validate.OneOf(values(Payer)))
    public = ma.fields.Boolean(required=True)
    realised = _cell()
    projected_pv = _cell()


class BudgetUseSchema(ma.Schema):
    year = ma.fields.Integer(required=True)
    families = _cell()
    budget = _cell()
    approved_spending = _cell()


class SensitivitySchema(ma.Schema):
    parameter = ma.fields.String(required=True)
    base = _number()
    low = _number()
    high = _number()
    swing = _number()


class SuppressionSchema(ma.Schema):
    applied = ma.fields.Boolean(required=True)
    threshold = ma.fields.Integer(required=True, allow_none=True)


class CellTableSchema(ma.Schema):
    """A table of cells, `cells[row][column]`, with its totals where the table has them (an
    empty table has only `cells`)."""

    cells = ma.fields.List(ma.fields.List(ma.fields.Nested(CellSchema)), required=True)
    row_totals = ma.fields.List(ma.fields.Nested(CellSchema))
    column_totals = ma.fields.List(ma.fields.Nested(CellSchema))
    total = ma.fields.Nested(CellSchema)


class LevelDistributionSchema(CellTableSchema):
    """Families per overall level (columns) at each quarter end (rows)."""

    quarters = ma.fields.List(ma.fields.Date(), required=True)


DistributionByDomainSchema = ma.Schema.from_dict(
    {d: ma.fields.Nested(CellTableSchema, required=True) for d in DOMAINS},
    name="DistributionByDomainSchema",
)


# -- the forecast (benefit-model.md, "Forecast: what the plan promises") -------------------


class PromiseSchema(FiguresSchema):
    promise_date = ma.fields.Date(
        required=True, metadata={"description": "T*: the latest target date of the goals, or T."}
    )


class DomainStatusSchema(ma.Schema):
    level = ma.fields.String(required=True, allow_none=True, validate=LEVEL)
    forecast_level = ma.fields.String(required=True, allow_none=True, validate=LEVEL)
    status = ma.fields.String(
        required=True,
        allow_none=True,
        validate=ma.validate.OneOf(["ahead", "on_track", "behind"]),
    )


class RealisedPairSchema(ma.Schema):
    fiscal = ma.fields.Float(required=True)
    total = ma.fields.Float(required=True)


class SeriesPointSchema(ma.Schema):
    quarter_end = ma.fields.Date(required=True, metadata={"description": "The last point is T."})
    actual_realised = ma.fields.Nested(RealisedPairSchema, required=True)
    forecast_realised = ma.fields.Nested(RealisedPairSchema, required=True)


class ForecastSchema(ma.Schema):
    family_id = ma.fields.Integer(required=True)
    as_of = ma.fields.Date(required=True)
    assumption_set = ma.fields.Nested(AssumptionSetRefSchema, required=True)
    forecast = ma.fields.Nested(FiguresSchema, required=True)
    promise = ma.fields.Nested(PromiseSchema, required=True)
    variance = ma.fields.Nested(
        FiguresSchema, required=True, metadata={"description": "actual − forecast at T."}
    )
    domains = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf(DOMAINS)),
        values=ma.fields.Nested(DomainStatusSchema),
        required=True,
    )
    series = ma.fields.List(ma.fields.Nested(SeriesPointSchema), required=True)


class ForecastTotalsSchema(ma.Schema):
    realised_fiscal = ma.fields.Nested(CellSchema, required=True)
    realised_total = ma.fields.Nested(CellSchema, required=True)
    projected_pv_total = ma.fields.Nested(CellSchema, required=True)
    fiscal_npv = ma.fields.Nested(CellSchema, required=True)
    socioeconomic_npv = ma.fields.Nested(CellSchema, required=True)


class GoalShareSchema(ma.Schema):
    goals = ma.fields.Nested(CellSchema, required=True)
    on_track_or_ahead = ma.fields.Nested(CellSchema, required=True)
    behind = ma.fields.Nested(CellSchema, required=True)
    share_on_track_or_ahead = ma.fields.Nested(CellSchema, required=True)


class CellPairSchema(ma.Schema):
    fiscal = ma.fields.Nested(CellSchema, required=True)
    total = ma.fields.Nested(CellSchema, required=True)


class PortfolioSeriesPointSchema(ma.Schema):
    quarter_end = ma.fields.Date(required=True)
    actual_realised = ma.fields.Nested(CellPairSchema, required=True)
    forecast_realised = ma.fields.Nested(CellPairSchema, required=True)


class PlanDomainSchema(ma.Schema):
    domain = ma.fields.String(required=True)
    goals = ma.fields.Nested(CellSchema, required=True)
    families = ma.fields.Nested(CellSchema, required=True)
    expected_gain = ma.fields.Nested(
        CellSchema, required=True, metadata={"description": "Yearly, at the target levels."}
    )
    measured_gain = ma.fields.Nested(
        CellSchema, required=True, metadata={"description": "Yearly, at the levels at T."}
    )
    variance = ma.fields.Nested(CellSchema, required=True)


class PortfolioForecastSchema(ma.Schema):
    promised = ma.fields.Nested(
        ForecastTotalsSchema,
        required=True,
        metadata={"description": "Sum of the families' promises, each at its own T*."},
    )
    forecast = ma.fields.Nested(ForecastTotalsSchema, required=True)
    actual = ma.fields.Nested(ForecastTotalsSchema, required=True)
    goals = ma.fields.Nested(GoalShareSchema, required=True)
    series = ma.fields.List(ma.fields.Nested(PortfolioSeriesPointSchema), required=True)
    plan = ma.fields.List(
        ma.fields.Nested(PlanDomainSchema),
        required=True,
        metadata={"description": "The gevinstrealiseringsplan per domain."},
    )
