"""The OB 3.0 schema check: the compiled validator agrees with jsonschema, the reference."""

import copy

import pytest

from laurel.vc.credential import FORMATS, _fast_validator, _validator, validate_schema
from laurel.vc.errors import SchemaError
from tests.vc.test_sign_and_verify import unsigned

REPLACEMENTS = [
    None,
    1,
    1.5,
    True,
    "",
    "x",
    [],
    {},
    ["x"],
    [{}],
    "2025-01-01",
    "2025-01-01T00:00:00",
    "2025-02-30T00:00:00Z",
    "2025-01-01T00:00:00.5+02:00",
]


def paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*path, index))


def variants(document):
    for path in paths(document):
        if not path:
            continue
        for replacement in REPLACEMENTS:
            changed = copy.deepcopy(document)
            parent = changed
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = replacement
            yield changed
        if isinstance(path[-1], str):
            removed = copy.deepcopy(document)
            parent = removed
            for step in path[:-1]:
                parent = parent[step]
            del parent[path[-1]]
            yield removed


def fast_accepts(document) -> bool:
    try:
        _fast_validator()(document)
    except Exception:
        return False
    return True


@pytest.mark.parametrize("schema", [True, False])
def test_fast_and_reference_validators_agree_on_every_mutation(schema):
    reference = _validator()
    documents = list(variants(unsigned(schema=schema)))
    assert len(documents) > 500
    disagreements = [d for d in documents if reference.is_valid(d) != fast_accepts(d)]
    assert disagreements == []
    assert any(not reference.is_valid(d) for d in documents)
    assert any(reference.is_valid(d) for d in documents[1:])


def test_every_rejection_names_its_place():
    document = unsigned()
    document["credentialSubject"]["identifier"][0]["hashed"] = "yes"
    with pytest.raises(SchemaError, match="at credentialSubject/identifier/0/hashed: 'yes'"):
        validate_schema(document)


@pytest.mark.parametrize(
    "value, valid",
    [
        ("2025-01-02T03:04:05Z", True),
        ("2025-01-02T03:04:05.123+02:00", True),
        ("2025-01-02t03:04:05z", True),
        ("2025-01-02T03:04:05", False),
        ("2025-02-30T03:04:05Z", False),
        ("2025-01-02 03:04:05Z", False),
        ("yesterday", False),
        ("", False),
    ],
)
def test_valid_from_must_be_an_rfc3339_date_time(value, valid):
    document = unsigned() | {"validFrom": value}
    if valid:
        validate_schema(document)
    else:
        with pytest.raises(SchemaError, match="validFrom"):
            validate_schema(document)


@pytest.mark.parametrize("field", ["validFrom", "validUntil"])
@pytest.mark.parametrize("value", [5, 1.5, True, ["2025-01-01T00:00:00Z"], {"date": "x"}])
def test_a_date_of_the_wrong_type_is_a_schema_error_naming_the_field(field, value):
    # jsonschema hands non-strings to format checkers too: they must not crash on them.
    document = unsigned() | {field: value}
    with pytest.raises(SchemaError, match=field):
        validate_schema(document)


@pytest.mark.parametrize("value", [5, None, ["2025-01-01"]])
def test_date_formats_leave_non_strings_to_the_type_keyword(value):
    assert FORMATS["date"](value) is True
    assert FORMATS["date-time"](value) is True
