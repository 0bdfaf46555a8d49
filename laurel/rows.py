"""Model instances from hand-written SQL, for the few hot statements that every issue or
API request runs: reading several models in one statement (the ORM would spend one query
on each), or simply not paying the ORM's cost of writing the SQL again on each call.

`columns(Model, "alias")` writes the select list of a model's concrete fields (or of some
of them), and `instance(Model, values)` turns that slice of a fetched row into the
instance the ORM would have given: every value converted by the backend's and the
field's converters, and None when the primary key is NULL (a LEFT JOIN that found
nothing). `converted(Model, fields, values)` converts the values of some fields only.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connections, models
from django.db.backends.base.operations import BaseDatabaseOperations

M = TypeVar("M", bound=models.Model)


def columns(
    model: type[models.Model], alias: str, fields: Sequence[str] = (), *, using: str = "default"
) -> str:
    """`alias.col1, alias.col2, …` for `fields` of `model` (all concrete fields by default)."""
    quote = connections[using].ops.quote_name
    chosen = [model._meta.get_field(name) for name in fields] or model._meta.concrete_fields
    return ", ".join(f"{alias}.{quote(field.column)}" for field in chosen)


def width(model: type[models.Model]) -> int:
    """How many values of a row `columns(model, alias)` selects."""
    return len(model._meta.concrete_fields)


def instance(model: type[M], values: Sequence, *, using: str = "default") -> M | None:
    """The `model` instance whose `columns()` are `values`; None when its pk is NULL."""
    names = [field.name for field in model._meta.concrete_fields]
    values = converted(model, names, values, using=using)
    if values[names.index(model._meta.pk.name)] is None:
        return None
    return model.from_db(using, None, values)


def converted(
    model: type[models.Model], fields: Sequence[str], values: Sequence, *, using: str = "default"
) -> list:
    """`values` of `fields` of `model`, as the ORM would give them (dates, JSON, booleans)."""
    connection = connections[using]
    known = _converters(model, connection)
    result = []
    for name, value in zip(fields, values, strict=True):
        column, converters = known[name]
        for converter in converters:
            value = converter(value, column, connection)
        result.append(value)
    return result


def _converters(model: type[models.Model], connection) -> dict[str, tuple[object, list[Callable]]]:
    """Per field name, its column expression and what the ORM applies to a fetched value.

    Kept on the connection (one per thread, like the converters bound to it), so that it
    goes with the connection.
    """
    known = connection.__dict__.setdefault("_laurel_row_converters", {})
    if model not in known:
        table = {}
        for field in model._meta.concrete_fields:
            column = field.get_col(model._meta.db_table)
            table[field.name] = (
                column,
                connection.ops.get_db_converters(column) + column.get_db_converters(connection),
            )
        known[model] = table
    return known[model]


INSERT_PARAMETERS = 30_000  # SQLite allows 32,766 parameters a statement


def insert(
    objects: Sequence[models.Model], *, using: str = "default", returning: bool = False
) -> None:
    """INSERT unsaved instances of one model in one statement, reading nothing back: for
    rows whose database-made id nobody needs (the ORM's bulk_create asks for the ids),
    or, with `returning`, reading back only the ids the database made (RETURNING, in the
    order of the rows, as bulk_create relies on too). About three times quicker than
    bulk_create for a bulk batch's rows, whose cost is Python's, not the database's.

    Values go through each field's pre_save and get_db_prep_save, as in Model.save();
    an AutoField left empty is left to the database, and stays None on the instance
    unless `returning` (so such an instance is written once: do not save it again).
    """
    if not objects:
        return
    model = type(objects[0])
    connection = connections[using]
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (
            field.primary_key and field.db_returning and getattr(objects[0], field.attname) is None
        )
    ]
    made = returning and model._meta.pk not in fields
    columns = [[read(obj) for obj in objects] for read in map(_reader, fields)]
    ids = _write(model, fields, columns, connection, returning=made)
    if made:
        for obj, value in zip(objects, ids, strict=True):
            setattr(obj, model._meta.pk.attname, value)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = using


def insert_values(
    model: type[models.Model],
    values: Sequence[dict],
    *,
    returning: bool = False,
    ignore_conflicts: bool = False,
    using: str = "default",
) -> list | None:
    """`insert` for rows given as {field name: value} rather than instances (building a
    model instance costs more than writing its row): each missing field takes its
    default, each value goes through the field's get_db_prep_save (no pre_save: give
    auto_now fields their time). With `returning`, the ids the database made, in order;
    with `ignore_conflicts`, a row that would break a unique constraint is left out."""
    if not values:
        return [] if returning else None
    connection = connections[using]
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.db_returning and field.name not in values[0])
    ]
    columns = []
    for field in fields:
        if field.name in values[0]:
            columns.append([value[field.name] for value in values])
        elif field.has_default() and callable(field.default):
            columns.append([field.get_default() for _ in values])
        else:  # a constant default, or none (NOT_PROVIDED, a class, is callable too)
            columns.append([field.get_default()] * len(values))
    made = returning and model._meta.pk not in fields
    ids = _write(
        model, fields, columns, connection, returning=made, ignore_conflicts=ignore_conflicts
    )
    return ids if returning else None


def _write(
    model: type[models.Model],
    fields: list,
    columns: list[list],
    connection,
    *,
    returning: bool,
    ignore_conflicts: bool = False,
) -> list:
    """INSERT the rows whose values are given column by column (one list per field, not
    prepared yet); the ids the database made when `returning`, in the rows' order.

    On PostgreSQL the columns go as one array each, unnested (as Django's own bulk_create
    does since 5.2), and in binary: a statement of a dozen parameters that the driver and
    the server parse at once, where VALUES would have tens of thousands (psycopg spent
    3.8 s of a 10,000-row bulk job splitting such statements, profiled). Binary (%b),
    because as text (%s) psycopg quotes each array element through a regular expression
    (14 s of the same job); %b needs psycopg's server-side binding, which Django's cursor
    has only while LAUREL_DB_PREPARED_STATEMENTS is on, so `_binary_cursor`. Elsewhere,
    one row's INSERT run for every row (executemany) when there are several, or, to read
    the ids back, VALUES rows in statements of at most INSERT_PARAMETERS parameters."""
    quote = connection.ops.quote_name
    prepared = [
        _prepared(field, column, connection) for field, column in zip(fields, columns, strict=True)
    ]
    head = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
    )
    tail = (" ON CONFLICT DO NOTHING" if ignore_conflicts else "") + (
        f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    )
    ids: list = []
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"(%b)::{_array_type(field, connection)}" for field in fields)
        with _binary_cursor(connection) as cursor:
            cursor.execute(f"{head}SELECT * FROM UNNEST({arrays}){tail}", prepared)
            if returning:
                ids = [value for (value,) in cursor.fetchall()]
        return ids
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    if not returning and len(prepared[0]) > 1:
        # One row's statement, run for each row (sqlite3's executemany binds them in C):
        # no statement of thousands of parameters for Django to rewrite (its %s to ?, by
        # a regular expression over the whole text) and SQLite to parse. (A single row
        # stays a plain INSERT, as Django logs and tests read it.)
        with connection.cursor() as cursor:
            cursor.executemany(f"{head}VALUES {row}{tail}", list(zip(*prepared, strict=True)))
        return ids
    with connection.cursor() as cursor:
        count = len(prepared[0])
        step = max(INSERT_PARAMETERS // len(fields), 1)
        for start in range(0, count, step):
            some = range(start, min(start + step, count))
            cursor.execute(
                f"{head}VALUES {', '.join([row] * len(some))}{tail}",
                [column[i] for i in some for column in prepared],
            )
            if returning:
                ids += [value for (value,) in cursor.fetchall()]
    return ids


def update_each(
    model: type[models.Model],
    field_name: str,
    values: dict,
    *,
    also: dict | None = None,
    using: str = "default",
) -> None:
    """Set `field_name` of each row whose pk is a key of `values` to its value (and the
    fields of `also` to the same value on all of them), in one UPDATE: joined to the
    unnested pairs on PostgreSQL (two binary arrays, as `_write`), by a CASE on the pk
    elsewhere (SQLite parses that quickly; psycopg spends its time splitting such a
    statement's thousand parameters)."""
    if not values:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    table, pk, field = model._meta.db_table, model._meta.pk, model._meta.get_field(field_name)
    fixed = [(model._meta.get_field(name), value) for name, value in (also or {}).items()]
    sets = [f"{quote(f.column)} = %s" for f, _ in fixed]
    fixed_values = [f.get_db_prep_save(value, connection) for f, value in fixed]
    ids = _prepared(pk, list(values), connection)
    news = _prepared(field, list(values.values()), connection)
    if connection.vendor == "postgresql":
        kinds = [_array_type(f, connection) for f in (pk, field)]
        assignments = ", ".join([*sets, f"{quote(field.column)} = v.value"])
        sql = (
            f"UPDATE {quote(table)} SET {assignments} "
            f"FROM UNNEST((%b)::{kinds[0]}, (%b)::{kinds[1]}) AS v(pk, value) "
            f"WHERE {quote(table)}.{quote(pk.column)} = v.pk"
        )
        with _binary_cursor(connection) as cursor:
            cursor.execute(sql, [*fixed_values, ids, news])
        return
    column = quote(pk.column)
    step = INSERT_PARAMETERS // 3
    with connection.cursor() as cursor:
        for start in range(0, len(ids), step):
            some, new = ids[start : start + step], news[start : start + step]
            case = f"{quote(field.column)} = CASE {column} {' '.join(['WHEN %s THEN %s'] * len(some))} END"
            cursor.execute(
                f"UPDATE {quote(table)} SET {', '.join([*sets, case])} "
                f"WHERE {column} IN ({', '.join(['%s'] * len(some))})",
                [*fixed_values, *(v for pair in zip(some, new, strict=True) for v in pair), *some],
            )


def _binary_cursor(connection):
    """A cursor of psycopg's server-side binding on the same PostgreSQL connection (same
    transaction), wrapped as Django wraps its own (query logging, execute wrappers), for
    statements with binary (%b) parameters: Django's own is a ClientCursor, which has
    none, when LAUREL_DB_PREPARED_STATEMENTS is off."""
    import psycopg

    connection.ensure_connection()
    return connection._prepare_cursor(psycopg.Cursor(connection.connection))


def _array_type(field, connection) -> str:
    """The PostgreSQL array type of `field`'s values, without a length (varchar[], not
    varchar(200)[], as Django's bulk_create: nothing is cut)."""
    return field.db_type(connection).split("(")[0] + "[]"


def _reader(field) -> Callable[[models.Model], object]:
    """What Model.save() writes of `field` for a new instance: its pre_save (auto_now
    times, say), or simply the attribute when the field's pre_save is the plain one."""
    if type(field).pre_save is models.Field.pre_save:
        return operator.attrgetter(field.attname)
    return lambda obj: field.pre_save(obj, add=True)


class JSONText(str):
    """A JSONField's value serialized already, to the JSON the field would make of it
    (json.dumps's, or the same JSON from orjson: laurel.vc.signer.document_text): `insert`
    writes it as it is. (A bulk worker's signing process hands over signed documents so.)
    Only `insert` and `insert_values` know it: the ORM would store it as a JSON string."""


def _json_text(value: JSONText, connection):
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb(value, dumps=str)
    return str(value)


def _prepared(field, column: list, connection) -> list:
    """`field.get_db_prep_save` of each value of `column`, skipped for the values it would
    give back unchanged (`unchanged_types`: most of a batch's values are such strings),
    and worked out once per distinct date, time or whole number (a batch's rows share a
    few: its `now`, its issue date, the organization's id that psycopg wraps). A
    JSONText is written as it is."""
    same = unchanged_types(field, connection)
    prepare = _direct(field, connection) or field.get_db_prep_save
    if isinstance(field, models.JSONField):
        field_prepare = prepare

        def prepare(value, connection):
            if type(value) is JSONText:
                return _json_text(value, connection)
            return field_prepare(value, connection)

    known: dict = {}

    def convert(value):
        if type(value) not in _BY_VALUE:
            return prepare(value, connection)
        # One instant in two zones makes two keys, and so does a wall time that a
        # daylight-saving change repeats (equal in Python, an hour apart, told by `fold`).
        key = (value, getattr(value, "tzinfo", None), getattr(value, "fold", 0))
        if key not in known:
            known[key] = prepare(value, connection)
        return known[key]

    return [value if type(value) in same else convert(value) for value in column]


def _direct(field, connection) -> Callable | None:
    """`field.get_db_prep_save` in one backend call for the values that the field's own
    steps pass on unchanged, for Django's own DateTimeField and JSONField (else None):
    an aware datetime comes out of DateTimeField.get_prep_value as it went in, leaving
    the backend's adapt_datetimefield_value; a value of JSON's own types (no None, no
    expression) comes out of Field.get_prep_value as it went in, leaving the backend's
    adapt_json_value. A bulk batch writes a few of each a row: through the field's own
    steps, 10,000 JSON values took 57-68 ms rather than 26-42, and 10,000 distinct
    times 104 ms rather than 77 (SQLite). tests/domain/test_rows.py checks this
    against get_db_prep_save for every such field."""
    kind, full, ops = type(field), field.get_db_prep_save, connection.ops
    if kind is models.DateTimeField:
        adapt_time = ops.adapt_datetimefield_value

        def prepare(value, connection):
            if type(value) is datetime.datetime and value.utcoffset() is not None:
                return adapt_time(value)
            return full(value, connection)

        return prepare
    if kind is models.JSONField and kind.get_prep_value is models.Field.get_prep_value:
        adapt_json, encoder = ops.adapt_json_value, field.encoder

        def prepare(value, connection):
            if type(value) in _JSON_TYPES:
                return adapt_json(value, encoder)
            return full(value, connection)

        return prepare
    return None


_JSON_TYPES = frozenset({dict, list, str, int, float, bool})
_BY_VALUE = frozenset({datetime.datetime, datetime.date, int})
_TEXT = ("CharField", "TextField", "EmailField", "URLField", "SlugField")
_INTEGER = (
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
)


def unchanged_types(field, connection) -> frozenset:
    """The types of value that `field.get_db_prep_save(value, connection)` returns as they
    are, by the code of Django's own fields (a field class of anyone else's: none): None
    always; str for text fields; bool for BooleanField; int for integer fields where the
    backend adapts integers as they are (not psycopg 3, which wraps them). A relation
    takes its target field's. tests/domain/test_rows.py checks this against every field
    of every model."""
    if field.is_relation:
        if field.many_to_one or field.one_to_one:
            return unchanged_types(field.target_field, connection)
        return frozenset()
    if not type(field).__module__.startswith("django.db.models.fields"):
        return frozenset()
    name = type(field).__name__
    if name in _TEXT:
        return frozenset({type(None), str})
    if name == "BooleanField":
        return frozenset({type(None), bool})
    if name in _INTEGER:
        plain = type(connection.ops).adapt_integerfield_value is (
            BaseDatabaseOperations.adapt_integerfield_value
        )
        return frozenset({type(None), int}) if plain else frozenset({type(None)})
    return frozenset({type(None)})
