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

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connections, models

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
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pk = model._meta.pk
    made = returning and pk not in fields
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) VALUES "
    )
    step = max(INSERT_PARAMETERS // len(fields), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), step):
            some = objects[start : start + step]
            cursor.execute(
                sql
                + ", ".join([row] * len(some))
                + (f" RETURNING {quote(pk.column)}" if made else ""),
                [
                    field.get_db_prep_save(field.pre_save(obj, add=True), connection)
                    for obj in some
                    for field in fields
                ],
            )
            if made:
                for obj, (value,) in zip(some, cursor.fetchall(), strict=True):
                    setattr(obj, pk.attname, value)
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
    pk = model._meta.pk
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.db_returning and field.name not in values[0])
    ]
    defaults = {
        field.name: field.get_default()
        for field in fields
        if field.name not in values[0] and not callable(field.default)
    }
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) VALUES "
    )
    made = returning and pk not in fields
    ids: list = []
    step = max(INSERT_PARAMETERS // len(fields), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(values), step):
            some = values[start : start + step]
            params = []
            for value in some:
                for field in fields:
                    if field.name in value:
                        given = value[field.name]
                    elif field.name in defaults:
                        given = defaults[field.name]
                    else:
                        given = field.get_default()
                    params.append(field.get_db_prep_save(given, connection))
            cursor.execute(
                sql
                + ", ".join([row] * len(some))
                + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
                + (f" RETURNING {quote(pk.column)}" if made else ""),
                params,
            )
            if made:
                ids += [value for (value,) in cursor.fetchall()]
    return ids if returning else None
