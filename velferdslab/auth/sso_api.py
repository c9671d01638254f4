"""Bearer tokens for users who sign in through an identity provider: POST /auth/token with
{"provider", "assertion"} exchanges a token the provider signed for this client (checked against
its JWKS) for a Velferdslab bearer token, after the same claim mapping as the web sign-in.

An assertion is exchanged once (its `jti`, or the token itself, is remembered until it expires),
never when issued before the user's last sign-out, and never the ID token of a web sign-in
(velferdslab.auth.services.use_assertion). One kind of bearer token for everyone keeps one
revocation, one cache and one audit trail."""

from __future__ import annotations

from velferdslab.auth import oidc
from velferdslab.auth.current import NotAuthenticated
from velferdslab.auth.provisioning import Refusal, sign_in
from velferdslab.auth.services import AssertionRefused, refuse_provider_answer, use_assertion
from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.users.models import User


class ProviderUnavailable(DomainError):
    status_code = 503

    def __init__(self) -> None:
        super().__init__("The identity provider cannot be reached just now; try again shortly.")


def exchange_assertion(provider_name: str, assertion: str) -> tuple[User, float]:
    """The signed-in user and when the assertion expires; NotAuthenticated otherwise."""
    provider = oidc.providers().get(provider_name)
    if provider is None:
        raise NotAuthenticated("No such identity provider.")
    try:
        claims = oidc.validate_assertion(provider, assertion)
    except OSError as error:  # requests' errors: discovery or JWKS did not answer
        raise ProviderUnavailable() from error
    except oidc.InvalidAssertion as error:
        refuse_provider_answer(
            db.session,
            provider.name,
            "invalid_assertion",
            method="sso_token",
            detail=str(error)[:300],
        )
        raise NotAuthenticated(
            "The assertion is not valid: bad signature, another audience or issuer, or expired."
        ) from error
    try:
        use_assertion(db.session, provider.name, claims, assertion)
    except AssertionRefused as refused:
        raise NotAuthenticated(
            "This assertion was already used, or issued before you signed out: "
            "sign in at the provider again."
        ) from refused
    try:
        user = sign_in(db.session, provider, claims)
    except Refusal as refusal:
        raise NotAuthenticated(str(refusal.message)) from refusal
    return user, float(claims["exp"])
