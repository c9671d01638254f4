"""The landing page: each role starts where its work is."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from flask.typing import ResponseReturnValue

from velferdslab.web.auth import login_required


def create_blueprint() -> Blueprint:
    blp = Blueprint("pages", __name__)

    @blp.route("/")
    @login_required
    def home() -> ResponseReturnValue:
        return render_template("home.html", user=g.user)

    return blp
