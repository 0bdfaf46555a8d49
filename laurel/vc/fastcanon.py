"""A fast RDFC-1.0 canonicalizer for the documents Laurel builds itself.

General JSON-LD processing (PyLD) costs 7-15 ms per credential, and canonicalization is
over 99% of the cost of a signature. Laurel's own documents use a small, known part of
JSON-LD: one of a few context lists, terms those contexts define (some through
type-scoped contexts), string, boolean and node values, ``@id``-typed IRIs and typed
literals. For those, this module walks the JSON tree once, writes the quads directly and
labels the blank nodes with RDFC-1.0's first-degree hashes.

The term table is not copied by hand: it is built at import time from the context files
Laurel ships (``laurel/vc/contexts/``), with the JSON-LD 1.1 rules for term definitions,
protected terms and type-scoped contexts (which apply to the node that names the type,
not to the nodes nested in it).

A wrong canonical form would be an invalid signature, so anything outside that known part
-- an undefined key, a keyword, a nested ``@context``, a number, a null, a relative or
unusual IRI, an ``@list`` or ``@json`` term, a property-scoped context, blank nodes whose
first-degree hashes collide, a document with a proof -- makes ``canonize_fast`` return
None, and the caller uses the generic PyLD path. The output matches PyLD's URDNA2015
(``jsonld.normalize(..., algorithm="URDNA2015", format="application/n-quads")``) byte for
byte, including its literal escaping; tests/vc/test_fastcanon.py proves it on thousands
of generated credentials.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from laurel.vc.loader import (
    CREDENTIALS_V2,
    OB_V3P0,
    OB_V3P0_EXTENSIONS,
    document_loader,
)
from laurel.vc.text import CONTROL_CHARACTERS

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
# Laurel's documents nest four or five levels deep. Deeper ones go to the generic path,
# which also keeps them away from fastschema's native validator (see fastschema.py).
MAX_DEPTH = 32
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

# The context lists Laurel writes: status lists use VC 2.0 alone, credentials add OB 3.0.3,
# and the 1EdTech extensions when they carry credentialSchema.
KNOWN_CONTEXT_LISTS: tuple[tuple[str, ...], ...] = (
    (CREDENTIALS_V2,),
    (CREDENTIALS_V2, OB_V3P0),
    (CREDENTIALS_V2, OB_V3P0, OB_V3P0_EXTENSIONS),
)

# An IRI PyLD keeps exactly as written and N-Quads needs no escape for: a scheme, a colon,
# then printable ASCII without space or any of <>"{}|^`\. Anything else (relative IRIs,
# blank node ids, non-ASCII IRIs) goes to the generic path.
_PLAIN_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[!#-;=?-\[\]_a-z~]*\Z")

# Term definition kinds this module handles; every other kind makes the term unusable.
ID_ALIAS = "@id"
TYPE_ALIAS = "@type"
PLAIN = "plain"  # no @type: strings are plain literals, booleans xsd:boolean
IRI = "iri"  # "@type": "@id"
VOCAB = "vocab"  # "@type": "@vocab" (proofPurpose): a term name standing for an IRI
TYPED = "typed"  # "@type": <datatype IRI>
UNSUPPORTED = "unsupported"


Quad = tuple[str | int, str, str | int]  # a statement with a blank node (an int) in it
Statement = TypeVar("Statement", str, Quad)


class Unsupported(Exception):
    """The document is outside the shape this module knows; use the generic path."""


@dataclass(frozen=True)
class Term:
    """One term definition, reduced to what the walk needs."""

    kind: str
    iri: str = ""
    datatype: str = ""
    scoped: Any = None  # the term's own @context (type-scoped for types, property-scoped otherwise)
    protected: bool = False
    container: str = ""
    prefix: bool = False  # JSON-LD's prefix flag: a simple definition whose IRI ends in a gen-delim

    @functools.cached_property
    def predicate(self) -> str:
        """The term's IRI as an N-Quads IRI term."""
        return "<" + self.iri + ">"

    @functools.cached_property
    def plain_strings(self) -> bool:
        """Whether a string value is simply a plain literal (the common case, inlined)."""
        return self.kind == PLAIN and self.scoped is None

    def same_meaning(self, other: Term) -> bool:
        """Whether redefining a protected term as `other` is allowed (identical definition)."""
        mine = (self.kind, self.iri, self.datatype, repr(self.scoped), self.container, self.prefix)
        theirs = (
            other.kind,
            other.iri,
            other.datatype,
            repr(other.scoped),
            other.container,
            other.prefix,
        )
        return mine == theirs


class Context:
    """An active context: term definitions plus the context a nested node reverts to."""

    def __init__(self, terms: dict[str, Term], previous: Context | None = None) -> None:
        self.terms = terms
        self.previous = previous
        # The walk reads "id" and "type" as the only keyword aliases, and looks properties
        # up in `properties`, the terms it can write statements for.
        aliases = {name: t.kind for name, t in terms.items() if t.kind in (ID_ALIAS, TYPE_ALIAS)}
        self.plain_aliases = aliases == {"id": ID_ALIAS, "type": TYPE_ALIAS}
        self.properties = {
            name: t for name, t in terms.items() if t.kind in (PLAIN, IRI, TYPED, VOCAB)
        }
        self._derived: dict[tuple[int, bool], Context] = {}
        self._typed: dict[tuple[str, ...], tuple[Context, list[str]]] = {}

    def with_local(self, local: dict, *, type_scoped: bool) -> Context:
        """This context with `local` (a scoped context) applied; memoized per local context."""
        key = (id(local), type_scoped)
        derived = self._derived.get(key)
        if derived is None:
            terms = _apply_local_context(self.terms, local, override_protected=not type_scoped)
            previous = (self.previous or self) if type_scoped else self.previous
            derived = self._derived[key] = Context(terms, previous)
        return derived

    def for_types(self, types: tuple[str, ...]) -> tuple[Context, list[str]]:
        """The context of a node of these types, and the types as N-Quads IRI terms.

        Types are expanded in the context before any type-scoped context (JSON-LD 1.1
        expansion, step 13.4.4), and the scoped contexts are applied in lexicographic order
        of the type names. Memoized: a document has few distinct type lists.
        """
        known = self._typed.get(types)
        if known is None:
            objects = []
            for name in types:
                term = self.terms.get(name)
                if term is None or term.kind not in (PLAIN, IRI, TYPED, VOCAB):
                    raise Unsupported(f"type {name}")
                objects.append(term.predicate)
            ctx = self
            for name in sorted(types):
                scoped = self.terms[name].scoped
                if scoped is not None:
                    ctx = ctx.with_local(scoped, type_scoped=True)
            if len(self._typed) >= 256:
                self._typed.clear()  # only valid type lists get here, but keep it bounded
            known = self._typed[types] = (ctx, objects)
        return known


def _apply_local_context(
    terms: dict[str, Term], local: dict, *, override_protected: bool
) -> dict[str, Term]:
    """Apply one local context; a term that cannot be handled becomes UNSUPPORTED."""
    result = dict(terms)
    protected_default = local.get("@protected") is True
    for name, definition in local.items():
        if name.startswith("@"):
            if name not in ("@protected", "@version"):
                # @vocab, @base, @language, @import, @propagate...: none is handled here.
                raise Unsupported(f"context keyword {name}")
            continue
        term = _define_term(name, definition, local, terms, protected_default)
        previous = terms.get(name)
        if (
            previous is not None
            and previous.protected
            and not override_protected
            and not previous.same_meaning(term)
        ):
            # PyLD raises "protected term redefinition" here; let it say so.
            raise Unsupported(f"protected term {name} redefined")
        if previous is not None and previous.protected and not override_protected:
            term = dataclasses.replace(term, protected=True)
        result[name] = term
    return result


def _define_term(
    name: str, definition: Any, local: dict, active: dict[str, Term], protected_default: bool
) -> Term:
    simple = isinstance(definition, str)
    if simple:
        definition = {"@id": definition}
    if not isinstance(definition, dict):
        return Term(UNSUPPORTED)
    protected = definition.get("@protected", protected_default) is True
    scoped = definition.get("@context")
    container = definition.get("@container", "")
    iri = _term_iri(definition.get("@id"), local, active)
    if iri in ("@id", "@type"):
        alias_ok = set(definition) <= {"@id", "@protected"}
        return Term(iri if alias_ok else UNSUPPORTED, protected=protected)
    if (
        iri is None
        or set(definition) - {"@id", "@type", "@container", "@context", "@protected"}
        or container not in ("", "@set")
        or ("@context" in definition and not isinstance(scoped, dict))
    ):
        # @reverse, @language, @list/@graph containers, "@context": null...: not handled.
        return Term(UNSUPPORTED, protected=protected)
    kind, datatype = _value_kind(definition.get("@type"), local, active)
    prefix = simple and iri[-1] in ":/?#[]@"
    return Term(kind, iri, datatype, scoped, protected, container, prefix)


def _term_iri(raw: Any, local: dict, active: dict[str, Term]) -> str | None:
    """The IRI a term definition's @id names; None when it is not one this module trusts."""
    if raw in ("@id", "@type"):
        return raw
    if not isinstance(raw, str):
        return None
    if ":" not in raw:
        # A term name used as an IRI ("AchievementCredential": {"@id": "OpenBadgeCredential"}).
        if raw in local and raw != "@context":
            inner = local[raw]
            raw = inner if isinstance(inner, str) else inner.get("@id")
        elif raw in active and active[raw].kind not in (UNSUPPORTED, ID_ALIAS, TYPE_ALIAS):
            raw = active[raw].iri
    if isinstance(raw, str) and raw.startswith(("http://", "https://")) and _PLAIN_IRI.match(raw):
        return raw
    return None


def _value_kind(raw: Any, local: dict, active: dict[str, Term]) -> tuple[str, str]:
    if raw is None:
        return PLAIN, ""
    if raw == "@id":
        return IRI, ""
    if raw == "@vocab":
        return VOCAB, ""
    datatype = _term_iri(raw, local, active)
    if datatype is None or datatype.startswith("@"):
        # "@json", or a compact datatype such as OB's "xsd:dateTime" (no xsd prefix defined).
        return UNSUPPORTED, ""
    return TYPED, datatype


def _root_context(urls: tuple[str, ...]) -> Context | None:
    terms: dict[str, Term] = {}
    try:
        for url in urls:
            terms = _apply_local_context(
                terms, document_loader(url)["document"]["@context"], override_protected=False
            )
    except Unsupported:
        return None
    return Context(terms)


_ROOT_CONTEXTS: dict[tuple[str, ...], Context | None] = {
    urls: _root_context(urls) for urls in KNOWN_CONTEXT_LISTS
}

# Every name any shipped context defines: an IRI whose scheme is one of them could be read
# as a compact IRI by a JSON-LD processor, so such IRIs go to the generic path.
_TERM_NAMES: frozenset[str] = frozenset()


def _collect_term_names(local: Any, names: set[str]) -> None:
    if isinstance(local, dict):
        for name, definition in local.items():
            names.add(name)
            if isinstance(definition, dict) and isinstance(definition.get("@context"), dict):
                _collect_term_names(definition["@context"], names)


def _all_term_names() -> frozenset[str]:
    names: set[str] = set()
    for urls in KNOWN_CONTEXT_LISTS:
        for url in urls:
            _collect_term_names(document_loader(url)["document"]["@context"], names)
    return frozenset(names)


_TERM_NAMES = _all_term_names()


# IRIs already checked: a bulk job repeats the same issuer, image, group and status list
# IRIs in every credential. Bounded, and only ever holds IRIs that passed the checks.
_CHECKED_IRIS: dict[str, str] = {}


def _iri(value: Any) -> str:
    """`value` as an N-Quads IRI term, if PyLD would keep it unchanged."""
    if value.__class__ is not str:
        raise Unsupported("an IRI must be a string")
    checked = _CHECKED_IRIS.get(value)
    if checked is not None:
        return checked
    if not _PLAIN_IRI.match(value):
        raise Unsupported("not a plain absolute IRI")
    if value.split(":", 1)[0] in _TERM_NAMES:
        raise Unsupported("IRI scheme is also a term name")
    if len(_CHECKED_IRIS) >= 4096:
        _CHECKED_IRIS.clear()
    checked = _CHECKED_IRIS[value] = "<" + value + ">"
    return checked


# What PyLD escapes; and what sends the document to the generic path: the control
# characters PyLD does not escape but jsonld.js does (see laurel/vc/text.py), which
# proof.sign refuses, and lone surrogates, which no UTF-8 text can carry (PyLD's path
# reports them). Literals are the only text of the output not checked otherwise.
_NEEDS_ESCAPE = re.compile('[\\\\\t\n\r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]')
_REFUSED = re.compile(CONTROL_CHARACTERS.pattern[:-1] + "\ud800-\udfff]")


def _literal(value: str, datatype: str = "") -> str:
    """A literal in PyLD's N-Quads form: it escapes \\ \\t \\n \\r and " only."""
    if _REFUSED.search(value) is not None:
        raise Unsupported("a control character jsonld.js writes differently, or a lone surrogate")
    escaped = (
        value
        if not _NEEDS_ESCAPE.search(value)
        else (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace('"', '\\"')
        )
    )
    if datatype and datatype != XSD_STRING:
        return '"' + escaped + '"^^<' + datatype + ">"
    return '"' + escaped + '"'


class _Graph:
    """The statements of one document: ground ones as finished N-Quads lines, those with a
    blank node (numbered in the order met) as (subject, predicate, object) to label later."""

    def __init__(self) -> None:
        self.ground: list[str] = []
        self.quads: list[Quad] = []
        self.blank_nodes = 0

    def add(self, subject: str | int, predicate: str, obj: str | int) -> None:
        if subject.__class__ is str and obj.__class__ is str:
            self.ground.append(subject + " " + predicate + " " + obj + " .\n")  # type: ignore[operator]
        else:
            self.quads.append((subject, predicate, obj))


def _node(obj: Any, ctx: Context, graph: _Graph, depth: int = 0) -> str | int:
    """Write the quads of one node object; return its subject (an IRI term or a blank node)."""
    if obj.__class__ is not dict or not obj:
        raise Unsupported("not a node object")
    if depth > MAX_DEPTH:
        raise Unsupported("nested too deeply")
    ctx = ctx.previous or ctx  # type-scoped definitions do not reach nested nodes
    if not ctx.plain_aliases:
        raise Unsupported("keyword aliases other than id and type")
    types = _type_names(obj["type"]) if "type" in obj else ()
    if "id" in obj:
        subject: str | int = _iri(obj["id"])
        if len(obj) == 1:
            return subject  # a reference to a node described elsewhere (or nowhere)
    else:
        subject = graph.blank_nodes
        graph.blank_nodes += 1
    # Statements about an IRI subject with an IRI or literal object are finished lines at
    # once; the rest wait for blank node labels. (Inlined: this loop is the hot path.)
    ground = graph.ground
    prefix = subject + " " if isinstance(subject, str) else None
    if types:
        ctx, type_objects = ctx.for_types(types)
        for type_object in type_objects:
            if prefix is not None:
                ground.append(f"{prefix}{RDF_TYPE} {type_object} .\n")
            else:
                graph.quads.append((subject, RDF_TYPE, type_object))
    properties = ctx.properties
    for key, value in obj.items():
        if key == "id" or key == "type":
            continue
        term = properties.get(key)
        if term is None:
            raise Unsupported(f"term {key}")  # undefined, a keyword, or a kind not handled
        predicate = term.predicate
        for item in value if value.__class__ is list else (value,):
            item_object: str | int
            if item.__class__ is str and term.plain_strings:
                if _NEEDS_ESCAPE.search(item) is None:
                    item_object = '"' + item + '"'
                else:
                    item_object = _literal(item)
            else:
                item_object = _object(term, item, ctx, graph, depth)
            if prefix is not None and item_object.__class__ is str:
                ground.append(f"{prefix}{predicate} {item_object} .\n")
            else:
                graph.quads.append((subject, predicate, item_object))
    return subject


def _type_names(value: Any) -> tuple[str, ...]:
    if value.__class__ is str:
        return (value,)
    if value.__class__ is list and value:
        names = tuple(value)
        for name in names:
            if name.__class__ is not str:
                break
        else:
            return names
    raise Unsupported("type is not a string or a non-empty list of strings")


def _object(term: Term, item: Any, ctx: Context, graph: _Graph, depth: int) -> str | int:
    """The object of one statement: a literal, an IRI, or a nested node's subject.

    Exact classes only (no str or dict subclasses, no int standing for a bool): what
    json.loads and Laurel's builders produce.
    """
    kind = term.kind
    if item.__class__ is str:
        if kind == PLAIN and term.scoped is None:
            return _literal(item)
        if kind == TYPED and term.scoped is None:
            return _literal(item, term.datatype)
        if kind == IRI and term.scoped is None:
            return _iri(item)
        if kind == VOCAB:
            return _vocab_iri(term, item, ctx)
        raise Unsupported("string under a term with a property-scoped context")
    if term.scoped is not None:
        raise Unsupported("property-scoped context")  # it changes how nested nodes read
    if item.__class__ is dict:
        if kind not in (PLAIN, IRI):
            raise Unsupported("node object under a coerced term")
        return _node(item, ctx, graph, depth + 1)
    if item.__class__ is bool:
        # A coerced term keeps its own datatype: OB's "hashed" says https://...#boolean.
        if kind == TYPED and term.datatype.endswith("#boolean"):
            return _literal("true" if item else "false", term.datatype)
        if kind == PLAIN:
            return _literal("true" if item else "false", XSD_BOOLEAN)
        raise Unsupported("boolean under a coerced term")
    raise Unsupported("number, null, nested list or non-JSON value")


def _vocab_iri(term: Term, item: str, ctx: Context) -> str:
    """An @vocab-typed value (proofPurpose): a term name, read with the term's own context."""
    named = ctx.with_local(term.scoped, type_scoped=False).terms if term.scoped else ctx.terms
    target = named.get(item)
    if target is None or target.kind not in (PLAIN, IRI, TYPED, VOCAB):
        raise Unsupported(f"@vocab value {item}")
    return target.predicate


def _label(component: str | int, labels: list[str]) -> str:
    return labels[component] if isinstance(component, int) else component


def _first_degree_hashes(graph: _Graph) -> list[str]:
    """RDFC-1.0 Hash First Degree Quads of every blank node: the sorted quads that mention
    it, itself written _:a and every other blank node _:z, hashed with SHA-256."""
    mentions: list[list[str]] = [[] for _ in range(graph.blank_nodes)]
    for s, p, o in graph.quads:
        if s.__class__ is int:
            o_text = o if o.__class__ is str else ("_:a" if o == s else "_:z")
            mentions[s].append(f"_:a {p} {o_text} .\n")  # type: ignore[index]
        if o.__class__ is int and o != s:
            s_text = s if s.__class__ is str else "_:z"
            mentions[o].append(f"{s_text} {p} _:a .\n")  # type: ignore[index]
    sha256 = hashlib.sha256
    hashes = []
    for lines in mentions:
        lines.sort()
        hashes.append(sha256("".join(lines).encode()).hexdigest())
    return hashes


def _canonical_labels(graph: _Graph) -> list[str]:
    """The _:c14nN label of every blank node, as RDFC-1.0 issues them.

    Nodes with a unique first-degree hash are labelled first, in hash order. Nodes whose
    hashes collide would need the N-degree hash; that is only skipped when they are
    interchangeable (see `_interchangeable`), where any order gives the same output.
    """
    hashes = _first_degree_hashes(graph)
    groups: dict[str, list[int]] = {}
    for node, node_hash in enumerate(hashes):
        groups.setdefault(node_hash, []).append(node)
    order = [groups[key][0] for key in sorted(groups) if len(groups[key]) == 1]
    labels = [""] * graph.blank_nodes
    for position, node in enumerate(order):
        labels[node] = f"_:c14n{position}"
    for key in sorted(groups):
        if len(groups[key]) > 1:
            if not _interchangeable(groups[key], graph.quads, labels):
                raise Unsupported("blank nodes need the N-degree hash")
            for node in groups[key]:
                labels[node] = f"_:c14n{len(order)}"
                order.append(node)
    return labels


def _interchangeable(nodes: list[int], quads: list[Quad], labels: list[str]) -> bool:
    """Whether swapping these blank nodes maps the dataset onto itself.

    True when each one touches only already-labelled nodes and all describe themselves
    identically (e.g. two identical alignments of one achievement): the N-degree hash then
    orders them arbitrarily and the canonical output does not depend on that order.
    """
    members = set(nodes)
    descriptions = set()
    for node in nodes:
        lines = []
        for s, p, o in quads:
            if s != node and o != node:
                continue
            for other in (s, o):
                if (
                    isinstance(other, int)
                    and other != node
                    and (other in members or not labels[other])
                ):
                    return False
            s_text = "_:a" if s == node else _label(s, labels)
            o_text = "_:a" if o == node else _label(o, labels)
            lines.append(s_text + " " + p + " " + o_text)
        descriptions.add("\n".join(sorted(lines)))
    return len(descriptions) == 1


def _canonize(document: Any) -> str:
    if document.__class__ is not dict:
        raise Unsupported("not a JSON object")
    contexts = document.get("@context")
    if contexts.__class__ is not list or not all(url.__class__ is str for url in contexts):
        raise Unsupported("@context is not a list of URLs")
    root = _ROOT_CONTEXTS.get(tuple(contexts))
    if root is None or "proof" in document:
        raise Unsupported("context list or signed document")
    body = {key: value for key, value in document.items() if key != "@context"}
    graph = _Graph()
    _node(body, root, graph)
    if not graph.ground and not graph.quads:
        raise Unsupported("a lone node reference")  # PyLD drops it; nothing to sign
    _merge_repeated_statements(graph)
    labels = _canonical_labels(graph)
    lines = graph.ground
    for s, p, o in graph.quads:
        s_text = labels[s] if s.__class__ is int else s
        o_text = labels[o] if o.__class__ is int else o
        lines.append(f"{s_text} {p} {o_text} .\n")
    lines.sort()
    return "".join(lines)  # valid Unicode: every literal was checked for lone surrogates


def _merge_repeated_statements(graph: _Graph) -> None:
    """Keep one of each repeated statement, as JSON-LD's node map does.

    A node named twice (an issuer logo that is also the badge image) says the same thing
    twice, and the dataset is a set. Only repeated references and types are merged here:
    PyLD merges literals by their JSON form, where true and "true" differ but could make
    the same literal, so a repeated literal goes to the generic path.
    """
    graph.ground = _without_repeats(graph.ground)
    graph.quads = _without_repeats(graph.quads)


def _without_repeats(statements: list[Statement]) -> list[Statement]:
    unique = list(dict.fromkeys(statements))
    if len(unique) != len(statements):
        seen: set[Statement] = set()
        for statement in statements:
            if statement in seen and _literal_object(statement):
                raise Unsupported("the same literal statement twice")
            seen.add(statement)
    return unique


def _literal_object(statement: str | Quad) -> bool:
    if isinstance(statement, str):  # "<s> <p> object .\n": IRIs hold no spaces
        return statement.split(" ", 2)[2].startswith('"')
    obj = statement[2]
    return isinstance(obj, str) and obj.startswith('"')


def canonize_fast(document: dict) -> str | None:
    """RDFC-1.0 canonical N-Quads of one of Laurel's own documents, or None.

    None means the document is not of a shape this module knows (see the module
    docstring); the caller must then use the generic JSON-LD path. A returned string is
    byte for byte what PyLD's URDNA2015 gives for the same document.
    """
    try:
        return _canonize(document)
    except Exception:  # Unsupported, or any surprise: the generic path is always correct
        return None
