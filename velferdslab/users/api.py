"""/users: staff accounts with roles; passwords are write-only and stored as argon2 hashes."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from velferdslab import policy
from velferdslab.api.common import QueryPage, check_if_match, document_errors, with_etag
from velferdslab.api.records import ETAG
from velferdslab.auth.current import audit, current_user
from velferdslab.extensions import db
from velferdslab.municipalities.schemas import content_version
from velferdslab.users import services
from velferdslab.users.models import User
from velferdslab.users.schemas import (
    UserCreateSchema,
    UserQuerySchema,
    UserSchema,
    UserUpdateSchema,
)

USER = UserSchema()
USER_ID = "/<id:user_id>"


def user_response(user: User, status: int = 200) -> ResponseReturnValue:
    body = USER.dump(user)
    response = jsonify(body)
    response.status_code = status
    return with_etag(response, "user", content_version(user.id, body))


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "users",
        __name__,
        url_prefix="/api/v1/users",
        description="Staff users and their roles; no shared logins. Admins, investment leads "
        "and auditors read the users of their municipality (regional ones: all); admins manage "
        "them. Passwords are write-only.",
    )

    @blp.route("", methods=["GET"])
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 403)
    def list_users(args: dict[str, Any]) -> Any:
        """Users of your municipality (every user for a regional user), by user name."""
        viewer = current_user()
        policy.require(viewer, "users.read")
        audit("list", "user", details={"filters": {k: str(v) for k, v in args.items()}})
        return services.visible_users(viewer, args)

    @blp.route("", methods=["POST"])
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema, headers=ETAG)
    @document_errors(blp, 401, 403, 409)
    def create_user(data: dict[str, Any]) -> ResponseReturnValue:
        """Create a user (admins).

        Only a regional admin creates regional users or users of another municipality; a
        municipal admin's users belong to their municipality. A taken user name is a 409.
        """
        admin = current_user()
        policy.require(admin, "users.write")
        user = services.add_user(db.session, admin, data)
        return user_response(user, 201)

    @blp.route(USER_ID, methods=["GET"])
    @blp.response(200, UserSchema, headers=ETAG)
    @document_errors(blp, 401, 403, 404)
    def get_user(user_id: int) -> ResponseReturnValue:
        """One user of your municipality (any user for a regional user)."""
        viewer = current_user()
        policy.require(viewer, "users.read")
        user = services.user_or_404(db.session, viewer, user_id)
        audit("read", "user", user.id)
        return user_response(user)

    @blp.route(USER_ID, methods=["PATCH"])
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema, headers=ETAG)
    @document_errors(blp, 401, 403, 404, 409, 412)
    def update_user(data: dict[str, Any], user_id: int) -> ResponseReturnValue:
        """Change a user (admins). Requires If-Match (428 without it).

        A password set here is one-time: the user must choose their own on the pages before
        signing in anywhere else, and their web sessions and tokens end at once. New roles end
        their web sessions; deactivating (active=false) ends sessions and tokens. Granting a
        role that reads family data is audited as `grant_family_access`. You cannot change your
        own roles or password here, nor deactivate yourself (409).
        """
        admin = current_user()
        policy.require(admin, "users.write")
        user = services.user_or_404(db.session, admin, user_id)
        check_if_match("user", content_version(user.id, USER.dump(user)))
        services.update_user(db.session, admin, user, data)
        return user_response(user)

    return blp
