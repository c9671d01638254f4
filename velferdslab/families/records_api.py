"""/families/{id}/members, /consents and /team: the people, their consent and the team."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from sqlalchemy import select

from velferdslab import policy
from velferdslab.api.common import QueryPage, check_if_match, document_errors, today
from velferdslab.api.records import ETAG, FAMILY, answer, family_for
from velferdslab.auth.current import audit, current_user
from velferdslab.extensions import db
from velferdslab.families import services
from velferdslab.families.models import Consent, Member, TeamMembership
from velferdslab.families.schemas import (
    ConsentCreateSchema,
    ConsentSchema,
    ConsentUpdateSchema,
    MemberCreateSchema,
    MemberSchema,
    MemberWriteSchema,
    TeamMemberCreateSchema,
    TeamMemberSchema,
    TeamMemberUpdateSchema,
)
from velferdslab.people import services as people


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "family_records",
        __name__,
        url_prefix="/api/v1/families",
        description="The family's members, consents and investment team.",
    )
    _members(blp)
    _consents(blp)
    _team(blp)
    return blp


def _members(blp: Blueprint) -> None:
    @blp.route(f"{FAMILY}/members", methods=["GET"])
    @blp.response(200, MemberSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 404)
    def list_members(family_id: int) -> Any:
        """The family's members (personal data: lead and consented team members)."""
        family = family_for(family_id, "members.read")
        audit("list", "member", family_id=family.id)
        return select(Member).where(Member.family_id == family.id).order_by(Member.id)

    @blp.route(f"{FAMILY}/members", methods=["POST"])
    @blp.arguments(MemberCreateSchema)
    @blp.response(201, MemberSchema, headers=ETAG)
    @document_errors(blp, 401, 404, 409)
    def create_member(data: dict[str, Any], family_id: int) -> ResponseReturnValue:
        """Add a member; a national id is checked (both check-digit rules) and unique here."""
        family = family_for(family_id, "members.write")
        member = people.add_member(db.session, family, data)
        return answer(MemberSchema(), member, 201, "member")

    @blp.route(f"{FAMILY}/members/<id:member_id>", methods=["GET"])
    @blp.response(200, MemberSchema, headers=ETAG)
    @document_errors(blp, 401, 404)
    def get_member(family_id: int, member_id: int) -> ResponseReturnValue:
        """One member."""
        family = family_for(family_id, "members.read")
        member = policy.record_of_family_or_404(db.session, Member, family.id, member_id)
        audit("read", "member", member.id, family_id=family.id)
        return answer(MemberSchema(), member, etag="member")

    @blp.route(f"{FAMILY}/members/<id:member_id>", methods=["PATCH"])
    @blp.arguments(MemberWriteSchema)
    @blp.response(200, MemberSchema, headers=ETAG)
    @document_errors(blp, 401, 404, 409, 412)
    def update_member(data: dict[str, Any], family_id: int, member_id: int) -> ResponseReturnValue:
        """Correct a member. Honours If-Match."""
        family = family_for(family_id, "members.write")
        member = policy.record_of_family_or_404(db.session, Member, family.id, member_id)
        check_if_match("member", member)
        people.change_member(db.session, member, data)
        return answer(MemberSchema(), member, etag="member")

    @blp.route(f"{FAMILY}/members/<id:member_id>", methods=["DELETE"])
    @blp.response(204)
    @document_errors(blp, 401, 404, 412)
    def delete_member(family_id: int, member_id: int) -> Response:
        """Remove a member (registered by mistake, or gone from the household).

        Honours If-Match."""
        family = family_for(family_id, "members.write")
        member = policy.record_of_family_or_404(db.session, Member, family.id, member_id)
        check_if_match("member", member)
        people.remove_member(db.session, member)
        return Response(status=204)


def _consents(blp: Blueprint) -> None:
    @blp.route(f"{FAMILY}/consents", methods=["GET"])
    @blp.response(200, ConsentSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 404)
    def list_consents(family_id: int) -> Any:
        """The family's consents to sharing between named agencies."""
        family = family_for(family_id, "consents.read")
        audit("list", "consent", family_id=family.id)
        return select(Consent).where(Consent.family_id == family.id).order_by(Consent.given_on)

    @blp.route(f"{FAMILY}/consents", methods=["POST"])
    @blp.arguments(ConsentCreateSchema)
    @blp.response(201, ConsentSchema, headers=ETAG)
    @document_errors(blp, 401, 404)
    def create_consent(data: dict[str, Any], family_id: int) -> ResponseReturnValue:
        """Record a consent; it opens the named agencies' team members' access while it lasts."""
        user = current_user()
        family = family_for(family_id, "consents.write")
        services.check_withdrawal(data, None, today())
        consent = services.record_consent(db.session, family, recorded_by=user.id, **data)
        return answer(ConsentSchema(), consent, 201, "consent")

    @blp.route(f"{FAMILY}/consents/<id:consent_id>", methods=["PATCH"])
    @blp.arguments(ConsentUpdateSchema)
    @blp.response(200, ConsentSchema, headers=ETAG)
    @document_errors(blp, 401, 404, 409, 412)
    def update_consent(
        data: dict[str, Any], family_id: int, consent_id: int
    ) -> ResponseReturnValue:
        """Withdraw, extend, or note the scope of a consent.

        withdrawn_on is today or earlier and takes effect at once; a withdrawal in force cannot
        be undone (409): record a new consent instead. Honours If-Match."""
        family = family_for(family_id, "consents.write")
        consent = policy.record_of_family_or_404(db.session, Consent, family.id, consent_id)
        check_if_match("consent", consent)
        services.change_consent(db.session, consent, data, today())
        return answer(ConsentSchema(), consent, etag="consent")


def _team(blp: Blueprint) -> None:
    @blp.route(f"{FAMILY}/team", methods=["GET"])
    @blp.response(200, TeamMemberSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 404)
    def list_team(family_id: int) -> Any:
        """The investment team, past members included (with left_on)."""
        family = family_for(family_id, "team.read")
        audit("list", "team_membership", family_id=family.id)
        return (
            select(TeamMembership)
            .where(TeamMembership.family_id == family.id)
            .order_by(TeamMembership.joined_on, TeamMembership.id)
        )

    @blp.route(f"{FAMILY}/team", methods=["POST"])
    @blp.arguments(TeamMemberCreateSchema)
    @blp.response(201, TeamMemberSchema, headers=ETAG)
    @document_errors(blp, 401, 404)
    def add_member(data: dict[str, Any], family_id: int) -> ResponseReturnValue:
        """Add a staff member to the team with a mandate (NOK they may commit alone)."""
        family = family_for(family_id, "team.write")
        membership = services.add_team_member(db.session, family, **data)
        return answer(TeamMemberSchema(), membership, 201, "team")

    @blp.route(f"{FAMILY}/team/<id:membership_id>", methods=["PATCH"])
    @blp.arguments(TeamMemberUpdateSchema)
    @blp.response(200, TeamMemberSchema, headers=ETAG)
    @document_errors(blp, 401, 404, 412)
    def update_member_of_team(
        data: dict[str, Any], family_id: int, membership_id: int
    ) -> ResponseReturnValue:
        """Change the role, the mandate or the leaving date. Honours If-Match."""
        family = family_for(family_id, "team.write")
        membership = policy.record_of_family_or_404(
            db.session, TeamMembership, family.id, membership_id
        )
        check_if_match("team", membership)
        services.change_membership(db.session, membership, data)
        return answer(TeamMemberSchema(), membership, etag="team")

    @blp.route(f"{FAMILY}/team/<id:membership_id>", methods=["DELETE"])
    @blp.response(200, TeamMemberSchema, headers=ETAG)
    @document_errors(blp, 401, 404, 409, 412)
    def end_membership(family_id: int, membership_id: int) -> ResponseReturnValue:
        """End a membership; the row stays.

        Access ends at once: left_on (the last day on the team) becomes yesterday, or the first
        day of a membership begun today. The row stays so that who decided what can still be
        traced. A membership already ended: 409."""
        family = family_for(family_id, "team.write")
        membership = policy.record_of_family_or_404(
            db.session, TeamMembership, family.id, membership_id
        )
        check_if_match("team", membership)
        services.end_membership(db.session, membership, services.leaving_day(membership, today()))
        return answer(TeamMemberSchema(), membership, etag="team")
