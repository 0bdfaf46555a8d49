"""Compacted JSON-LD, read in the plain-JSON form the OB 3.0 JSON schema expects.

JSON-LD lets a credential write a set of one as the single value (``"proof": {...}``,
``"type": "Achievement"``, ``"identifier": {...}``), a one-element list where a single
value is expected, and a node by its IRI alone where the context declares the term
``"@type": "@id"`` (``"image": "https://..."``). Each means exactly the same graph (and so
the same signature) as the plain-JSON form, and the VC 2.0 and OB 3.0 data models allow
them; the plain-JSON schema does not. 1EdTech's own validator reports such a document as
a warning, not an error.

``expand_compacted`` walks a document beside the schema and rewrites only those places:
where the schema says array, a single value is wrapped; where it says one value, a
one-element list is unwrapped; where it says an object with an ``id``, an IRI string
becomes ``{"id": ...}``, with the ``type`` the schema allows there if it allows only one.
It is driven by the schema alone (no list of properties to keep in step with the
standard) and never changes the original. Anything else the schema refuses is left as it
is, so a document wrong in substance still fails, at its place.

``validate_as_jsonld`` tries the literal form first: a credential already in plain-JSON
form (every one Laurel issues) costs one schema check, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import fastjsonschema

from laurel.vc.credential import _explain, _fast_validator, _schema, validate_schema
from laurel.vc.errors import SchemaError

Path = tuple[str | int, ...]
WRAPPED = "wrapped"  # a single value read as a list of one
UNWRAPPED = "unwrapped"  # a list of one read as its single value
BY_IRI = "by IRI"  # an IRI string read as the object it names
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+\Z")
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int,),
}


@dataclass
class Expanded:
    """A document in plain-JSON form, and what was read differently, by place."""

    document: Any
    changes: dict[Path, str] = field(default_factory=dict)

    def places(self) -> list[str]:
        """Where the original used a compacted form, as "credentialSubject/identifier"."""
        return [self.where(path, inside=False) for path in self.changes]

    def where(self, path: Sequence[str | int], *, inside: bool = True) -> str:
        """A place in the expanded document, named as it is in the original (where a list
        of one was unwrapped, the original's index 0 is shown, except after the place
        itself when `inside` is false)."""
        shown: list[str] = []
        for depth, part in enumerate(path):
            if self.changes.get(tuple(path[:depth])) == WRAPPED and part == 0:
                continue  # the list (and so this index) exists only in the expanded form
            shown.append(str(part))
            unwrapped = self.changes.get(tuple(path[: depth + 1])) == UNWRAPPED
            if unwrapped and (inside or depth + 1 < len(path)):
                shown.append("0")
        return "/".join(shown) or "(document)"


def expand_compacted(document: Any, schema: dict | None = None) -> Expanded:
    """`document` with its compacted JSON-LD forms in the plain-JSON form `schema` (by
    default the OB 3.0 AchievementCredential schema) expects; the original is not changed."""
    schema = schema if schema is not None else _schema()
    expanded = Expanded(None)
    expanded.document = _Walker(schema, expanded.changes).walk(document, schema, ())
    return expanded


def validate_as_jsonld(document: dict) -> list[str]:
    """Raise SchemaError (naming the place, as the original writes it) unless `document`
    validates against the OB 3.0 schema, read as JSON-LD; return the places where a
    compacted form was read (empty when the literal plain-JSON form validates)."""
    if not isinstance(document, dict):
        raise SchemaError("a credential must be a JSON object")
    if _fast_refusal(document) is None:
        return []
    expanded = expand_compacted(document)
    if not expanded.changes:
        validate_schema(document)  # raises, explaining the literal form's first failure
    refusal = _fast_refusal(expanded.document)
    if refusal is not None:
        raise _explain(expanded.document, refusal, where=expanded.where)
    return expanded.places()


def _fast_refusal(document: dict) -> Exception | None:
    """Why the compiled validator refuses `document`, or None when it accepts it."""
    try:
        _fast_validator()(document)
    except fastjsonschema.JsonSchemaException as refusal:
        return refusal
    return None


class _Walker:
    def __init__(self, schema: dict, changes: dict[Path, str]) -> None:
        self.definitions = schema.get("$defs", {})
        self.changes = changes

    def walk(self, value: Any, node: Any, path: Path) -> Any:
        node = self._resolve(node)
        if not isinstance(node, dict) or value is None:
            return value
        for part in node.get("allOf", ()):
            value = self.walk(value, part, path)
        branches = node.get("oneOf") or node.get("anyOf")
        if branches:
            branch = self._branch(value, branches)
            return value if branch is None else self.walk(value, branch, path)
        kind = node.get("type")
        if kind == "array":
            return self._array(value, node, path)
        value = self._single(value, kind, path)
        if kind == "object":
            value = self._by_iri(value, node, path)
            return self._object(value, node, path)
        return value

    def _resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
            name = node["$ref"].removeprefix("#/$defs/")
            node = self.definitions.get(name)
            seen += 1
        return node

    def _branch(self, value: Any, branches: list) -> dict | None:
        resolved = [self._resolve(b) for b in branches if isinstance(self._resolve(b), dict)]
        for branch in resolved:
            if _is_kind(value, branch.get("type")):
                return branch
        # No branch takes the value as it is written: one that a compacted form fits.
        return next((b for b in resolved if b.get("type") in ("array", "object")), None)

    def _array(self, value: Any, node: dict, path: Path) -> Any:
        if not isinstance(value, list):
            value = [value]
            self.changes[path] = WRAPPED
        items = node.get("items")
        if not isinstance(items, dict):  # tuple validation (@context): positions matter
            return value
        return [self.walk(item, items, (*path, index)) for index, item in enumerate(value)]

    def _single(self, value: Any, kind: object, path: Path) -> Any:
        if isinstance(value, list) and len(value) == 1 and isinstance(kind, str):
            if _is_kind(value[0], kind):
                self.changes[path] = UNWRAPPED
                return value[0]
        return value

    def _by_iri(self, value: Any, node: dict, path: Path) -> Any:
        properties = node.get("properties") or {}
        if not (isinstance(value, str) and _IRI.match(value) and "id" in properties):
            return value
        self.changes[path] = BY_IRI
        node_object: dict[str, Any] = {"id": value}
        implied = _only_type(properties.get("type"))
        if implied is not None and "type" in node.get("required", ()):
            node_object["type"] = implied
        return node_object

    def _object(self, value: Any, node: dict, path: Path) -> Any:
        properties = node.get("properties")
        if not isinstance(value, dict) or not isinstance(properties, dict):
            return value
        walked = dict(value)
        for name, subschema in properties.items():
            if name in walked:
                walked[name] = self.walk(walked[name], subschema, (*path, name))
        return walked


def _is_kind(value: Any, kind: object) -> bool:
    if not isinstance(kind, str):
        return True  # no "type" keyword: any kind of value is this branch's to judge
    if isinstance(value, bool) and kind in ("number", "integer"):
        return False
    return isinstance(value, _JSON_TYPES.get(kind, object))


def _only_type(node: Any) -> str | list[str] | None:
    """The one type value a ``type`` property allows ("Image"; ["Achievement"]), if one."""
    if not isinstance(node, dict):
        return None
    enum = node.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
        return enum[0]
    contains = node.get("contains")
    if node.get("type") == "array" and isinstance(contains, dict):
        wanted = contains.get("enum")
        if isinstance(wanted, list) and len(wanted) == 1 and isinstance(wanted[0], str):
            return [wanted[0]]
    return None
