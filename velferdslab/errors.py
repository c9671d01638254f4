"""Errors that services raise and the edges (API, pages, CLI) turn into a clear answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

# Told of every refusal as it is made; velferdslab.transactions marks the request so that
# nothing of it commits, whatever the page answers (a redirect after a refusal included).
refusal_listeners: list[Callable[[DomainError], None]] = []


class DomainError(Exception):
    """A request that the rules refuse; `errors` maps a field to its messages.

    Making one is a refusal: within a request, the request's transaction is then rolled back
    (velferdslab.transactions), even when a page catches the error and redirects."""

    status_code = 422
    headers: dict[str, str] = {}

    def __init__(self, message: str, errors: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = {field: list(messages) for field, messages in (errors or {}).items()}
        for listener in refusal_listeners:
            listener(self)


class FieldErrors(ValueError):
    """Field messages from code that also runs outside a request (loaders, the command line);
    `errors` maps a field to its messages, and str() lists them all."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class ValidationFailed(DomainError):
    status_code = 422


class Conflict(DomainError):
    """The request is well-formed but conflicts with the state (budget exceeded, immutable…)."""

    status_code = 409


class NotFound(DomainError):
    """Missing, or not visible to this user: the two are indistinguishable on purpose."""

    status_code = 404

    def __init__(self, message: str | None = None) -> None:
        message = message or Text("Not found.")
        super().__init__(message)


class Forbidden(DomainError):
    """The role lacks a collection-level permission (a record one may not see is NotFound)."""

    status_code = 403

    def __init__(self, message: str | None = None) -> None:
        message = message or Text("Your role does not allow this.")
        super().__init__(message)


class TooMany(DomainError):
    """A limit was reached (429): the message says which, Retry-After says when to try again."""

    status_code = 429

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after_seconds)}


class PreconditionFailed(DomainError):
    status_code = 412

    def __init__(self, message: str | None = None) -> None:
        message = message or Text("The record changed since you read it.")
        super().__init__(message)


class PreconditionRequired(DomainError):
    status_code = 428

    def __init__(
        self,
        message: str = "Send If-Match with the ETag of the record as you last read it "
        "(or * to overwrite it whatever it is now).",
    ) -> None:
        super().__init__(message, {"If-Match": ["Required on PATCH."]})


class Text(str):
    """A message in English (the API's language) that pages show translated: it keeps its
    template and values, so the bokmål catalogue can say the same with the same figures.
    `Text` is an extraction keyword of scripts/translations.sh."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Text:
        text = super().__new__(cls, template % values if values else template)
        text.template = template
        text.values = values
        return text
