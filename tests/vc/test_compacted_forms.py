"""The schema check reads compacted JSON-LD in the plain-JSON form the OB 3.0 schema
spells out (laurel/vc/compacted.py), and still fails what is wrong in substance."""

import copy
import json
from datetime import UTC, datetime

import pytest

from laurel.vc.compacted import expand_compacted, validate_as_jsonld
from laurel.vc.credential import (
    AchievementInfo,
    IssuerProfile,
    Recipient,
    build_credential,
    validate_schema,
)
from laurel.vc.errors import SchemaError
from laurel.vc.verify import _check_schema

BASE = "https://issuer.example"


def badge() -> dict:
    document = build_credential(
        credential_id=f"{BASE}/credentials/1",
        issuer=IssuerProfile(id="did:web:issuer.example", name="Acme", image=f"{BASE}/logo.png"),
        achievement=AchievementInfo(
            id=f"{BASE}/achievements/1",
            name="Teamwork",
            description="Collaborates.",
            criteria="Nominated by peers.",
            image=f"{BASE}/badge.png",
        ),
        recipient=Recipient(name="Ada", email="ada@example.org", salt="s"),
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
    )
    proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z1"}
    return document | {"proof": [proof]}


def subject(document: dict) -> dict:
    return document["credentialSubject"]


def achievement(document: dict) -> dict:
    return document["credentialSubject"]["achievement"]


# (what the document writes, how, where the schema check reads it differently)
COMPACTED = [
    ("proof as one object", lambda d: d.update(proof=d["proof"][0]), "proof"),
    (
        "credentialSchema as one object",
        lambda d: d.update(credentialSchema=d["credentialSchema"][0]),
        "credentialSchema",
    ),
    (
        "identifier as one object",
        lambda d: subject(d).update(identifier=subject(d)["identifier"][0]),
        "credentialSubject/identifier",
    ),
    (
        "subject type as a string",
        lambda d: subject(d).update(type="AchievementSubject"),
        "credentialSubject/type",
    ),
    (
        "achievement type as a string",
        lambda d: achievement(d).update(type="Achievement"),
        "credentialSubject/achievement/type",
    ),
    ("issuer type as a string", lambda d: d["issuer"].update(type="Profile"), "issuer/type"),
    (
        "achievement image by its URL",
        lambda d: achievement(d).update(image=f"{BASE}/badge.png"),
        "credentialSubject/achievement/image",
    ),
    ("issuer image by its URL", lambda d: d["issuer"].update(image="data:,x"), "issuer/image"),
    (
        "criteria by its URL",
        lambda d: achievement(d).update(criteria=f"{BASE}/criteria"),
        "credentialSubject/achievement/criteria",
    ),
    (
        "evidence as one object",
        lambda d: d.update(evidence={"id": f"{BASE}/e", "type": ["Evidence"]}),
        "evidence",
    ),
    (
        "credentialSubject as a list of one",
        lambda d: d.update(credentialSubject=[subject(d)]),
        "credentialSubject",
    ),
    (
        "identifier type as a list of one",
        lambda d: subject(d)["identifier"][0].update(type=["IdentityObject"]),
        "credentialSubject/identifier/0/type",
    ),
    (
        "image type as a list of one",
        lambda d: achievement(d)["image"].update(type=["Image"]),
        "credentialSubject/achievement/image/type",
    ),
]


def changed(change) -> dict:
    document = badge()
    change(document)
    return document


def test_a_credential_in_plain_json_form_is_read_literally():
    assert validate_as_jsonld(badge()) == []
    assert expand_compacted(badge()).changes == {}
    assert _check_schema(badge()).reason == (
        "valid against the Open Badges 3.0 AchievementCredential schema"
    )


@pytest.mark.parametrize("name, change, place", COMPACTED, ids=[c[0] for c in COMPACTED])
def test_a_compacted_form_passes_and_says_where_it_was_read(name, change, place):
    document = changed(change)
    with pytest.raises(SchemaError):
        validate_schema(document)  # the literal plain-JSON form fails
    assert validate_as_jsonld(document) == [place]
    check = _check_schema(document)
    assert check.outcome == "passed"
    assert check.reason.endswith(
        f"in compacted JSON-LD form (read as the plain-JSON form at {place})"
    )


def test_every_compacted_form_at_once_passes_and_names_each_place():
    document = badge()
    for _name, change, _place in COMPACTED[:-3]:  # the list-of-one forms are exclusive
        change(document)
    assert sorted(validate_as_jsonld(document)) == sorted(place for _, _, place in COMPACTED[:-3])


def test_an_image_by_its_url_is_read_as_the_image_object_the_schema_requires():
    document = changed(lambda d: achievement(d).update(image=f"{BASE}/badge.png"))
    expanded = expand_compacted(document).document
    assert achievement(expanded)["image"] == {"id": f"{BASE}/badge.png", "type": "Image"}


def test_criteria_by_its_url_is_read_as_an_object_with_that_id_only():
    document = changed(lambda d: achievement(d).update(criteria=f"{BASE}/criteria"))
    assert achievement(expand_compacted(document).document)["criteria"] == {
        "id": f"{BASE}/criteria"
    }


def test_reading_compacted_forms_never_changes_the_original():
    document = badge()
    for _name, change, _place in COMPACTED[:-3]:
        change(document)
    before = json.dumps(document, sort_keys=True)
    expand_compacted(document)
    validate_as_jsonld(document)
    assert json.dumps(document, sort_keys=True) == before


# (what is wrong in substance, where the failure is named, as the original writes it)
WRONG = [
    ("achievement type not Achievement", lambda d: achievement(d).update(type="Badge"),
     "credentialSubject/achievement/type"),
    ("hashed not a boolean, in a single identifier",
     lambda d: subject(d).update(identifier=dict(subject(d)["identifier"][0], hashed="yes")),
     "credentialSubject/identifier/hashed"),
    ("image neither an IRI nor an object", lambda d: achievement(d).update(image="badge.png"),
     "credentialSubject/achievement/image"),
    ("achievement by reference only (the schema wants it described)",
     lambda d: subject(d).update(achievement=f"{BASE}/achievements/1"),
     "credentialSubject/achievement"),
    ("two subjects where OB 3.0 allows one",
     lambda d: d.update(credentialSubject=[subject(d), subject(d)]), "credentialSubject"),
    ("a proof without its type", lambda d: d.update(proof={"cryptosuite": "eddsa-rdfc-2022"}),
     "proof"),
    ("a name inside a list of one subject", lambda d: d.update(
        credentialSubject=[dict(subject(d), achievement=dict(achievement(d), name=3))]),
     "credentialSubject/0/achievement/name"),
    ("a second identifier that is not one",
     lambda d: subject(d)["identifier"].append({"type": "IdentityObject"}),
     "credentialSubject/identifier/1"),
]  # fmt: skip


@pytest.mark.parametrize("name, change, place", WRONG, ids=[w[0] for w in WRONG])
def test_a_document_wrong_in_substance_still_fails_naming_the_place(name, change, place):
    document = changed(change)
    with pytest.raises(SchemaError, match=f"at {place}: "):
        validate_as_jsonld(document)
    check = _check_schema(document)
    assert check.outcome == "failed"
    assert f"at {place}: " in check.reason


def test_a_deeply_nested_hostile_document_gets_a_verdict_not_a_crash():
    document = badge()
    profile = document["issuer"]
    for _ in range(5000):
        inner = {"id": "did:web:x", "type": "Profile", "endorsement": []}
        profile["endorsement"] = {"issuer": inner}
        profile = inner
    check = _check_schema(document)
    assert check.outcome == "failed"


def test_the_walk_follows_the_schema_it_is_given():
    schema = {
        "type": "object",
        "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
    }
    expanded = expand_compacted({"tags": "one", "other": "x"}, schema)
    assert expanded.document == {"tags": ["one"], "other": "x"}
    assert expanded.places() == ["tags"]
    assert copy.deepcopy(expanded.document) == {"tags": ["one"], "other": "x"}
