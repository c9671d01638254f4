"""The claim mapping on its own: which claims give which roles, and a mapping file's mistakes
stopping the service at start rather than at someone's sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from velferdslab.auth.oidc import MappingConflict, claim_values, load_providers, map_claims
from velferdslab.settings import ConfigurationError

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "sso.toml.example"


def test_claim_values_from_lists_strings_and_nested_objects() -> None:
    assert claim_values({"roles": ["A", "B"]}, "roles") == ["A", "B"]
    assert claim_values({"scope": "a b"}, "scope") == ["a", "b"]
    assert claim_values({}, "roles") == []
    ansattporten = {
        "authorization_details": [
            {"type": "ansattporten:altinn:service", "resource": "urn:altinn:resource:vl-nav"},
            {"type": "ansattporten:altinn:service", "resource": "urn:altinn:resource:vl-lead"},
        ]
    }
    assert claim_values(ansattporten, "authorization_details.resource") == [
        "urn:altinn:resource:vl-nav",
        "urn:altinn:resource:vl-lead",
    ]


def test_the_shipped_example_maps_entra_app_roles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VELFERDSLAB_SSO_ASKER_SECRET", "s")
    (asker,) = load_providers(EXAMPLE)
    member = map_claims(asker, {"roles": ["Velferdslab.Teammedlem.NAV"]})
    assert (member.roles, member.municipality, member.agency) == (
        ("team_member",),
        "3203",
        "NAV Asker",
    )
    both = map_claims(asker, {"roles": ["Velferdslab.Teammedlem.NAV", "Velferdslab.Leder"]})
    assert both.roles == ("leader", "team_member") and both.agency == "NAV Asker"
    assert map_claims(asker, {"roles": ["Other.App"]}).roles == ()
    with pytest.raises(MappingConflict):
        map_claims(asker, {"roles": ["Velferdslab.Teammedlem.NAV",
                                     "Velferdslab.Teammedlem.Barnevern"]})  # fmt: skip


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('[[provider]]\nname = "Bad Name"\nissuer = "https://x"\nclient_id = "c"', "name"),
        ('[[provider]]\nname = "a"\nclient_id = "c"', "issuer is missing"),
        ('[[provider]]\nname = "a"\nissuer = "https://x"\nclient_id = "c"\n'
         'client_secret_env = "VELFERDSLAB_NOT_SET_ANYWHERE"', "VELFERDSLAB_NOT_SET_ANYWHERE"),
        ('[[provider]]\nname = "a"\nissuer = "https://x"\nclient_id = "c"\n'
         '[[provider.rule]]\nvalue = "v"\nroles = ["boss"]', "unknown: boss"),
        ('[[provider]]\nname = "a"\nissuer = "https://x"\nclient_id = "c"\n'
         '[[provider.rule]]\nvalue = "v"\nroles = ["leader"]\nmunicipality = "32"', "4-digit"),
    ],
)  # fmt: skip
def test_a_mistake_in_the_mapping_file_stops_the_start(
    tmp_path: Path, text: str, complaint: str
) -> None:
    path = tmp_path / "sso.toml"
    path.write_text(text)
    with pytest.raises(ConfigurationError, match=complaint):
        load_providers(path)
