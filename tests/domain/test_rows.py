"""laurel/rows.py and the hand-written statements built on it give exactly what the ORM
gives: every field converted (dates, JSON, booleans, nulls) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection, transaction

from laurel import rows
from laurel.credentials.issue_reads import lock_for_issuing
from laurel.credentials.models import Credential, CredentialGroup
from laurel.organizations.api_keys import authenticate_api_key, create_api_key
from laurel.organizations.errors import GroupNotFound
from laurel.organizations.models import ApiKey, AuditEvent, Organization, SigningKey
from laurel.organizations.signing_keys import rotate_signing_key

pytestmark = pytest.mark.django_db


def field_values(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def read_raw(model, pk):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {rows.columns(model, 't')} FROM {table} t WHERE t.id = %s", [pk])
        return rows.instance(model, cursor.fetchone())


@pytest.mark.parametrize("model", [Organization, SigningKey, CredentialGroup, Credential])
def test_an_instance_read_by_hand_equals_the_orms(model, owner, custom_group):
    from laurel.credentials.services import issue

    issue(
        actor=owner,
        group_key=custom_group.key,
        recipient_name='Zoë "Q" O\'Brien',
        recipient_email="zoe@example.org",
        custom_attributes={name: "ünïcode ✓" for name in custom_group.custom_fields},
        valid_until=datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC),
    )
    expected = model.objects.order_by("-pk").first()
    got = read_raw(model, expected.pk)
    assert type(got) is model and not got._state.adding
    assert field_values(got) == field_values(expected)


def test_a_null_primary_key_is_no_instance():
    assert rows.instance(SigningKey, [None] * rows.width(SigningKey)) is None


def test_converted_gives_what_the_orm_gives(owner, never_group):
    from laurel.credentials.services import issue

    issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
        valid_until=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    table = connection.ops.quote_name(Credential._meta.db_table)
    fields = ("valid_until", "custom_dates", "document")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {rows.columns(Credential, 'c', fields)} FROM {table} c")
        (row,) = cursor.fetchall()
    assert rows.converted(Credential, fields, row) == [
        datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        True,
        Credential.objects.get().document,
    ]


def test_the_lock_reads_the_signing_key_and_only_its_own_organizations_group(
    owner, outsider, never_group, group_factory
):
    theirs = group_factory(outsider.organization)
    with transaction.atomic():
        context = lock_for_issuing(owner.organization, group_key=never_group.key)
    locked = context.organization
    assert locked.pk == owner.organization.pk and context.webhooks_listen is False
    assert context.signing_key == SigningKey.objects.get(
        organization=owner.organization, status="active"
    )
    assert context.signing_key.organization is locked
    assert context.group == never_group and context.group.organization is locked
    for other_key in (theirs.key, "nope", None, "bad\x00key"):
        with transaction.atomic():
            assert lock_for_issuing(owner.organization, group_key=other_key).group is None
    from laurel.credentials.services import issue

    with pytest.raises(GroupNotFound):
        issue(actor=owner, group_key=theirs.key, recipient_name="A", recipient_email="a@x.org")


def test_the_lock_sees_a_rotated_key_and_no_key(owner, org_factory):
    old = SigningKey.objects.get(organization=owner.organization, status="active")
    rotate_signing_key(actor=owner)
    with transaction.atomic():
        context = lock_for_issuing(owner.organization)
    assert context.signing_key.pk != old.pk and context.group is None
    unapproved = org_factory(approved=False)
    with transaction.atomic():
        assert lock_for_issuing(unapproved).signing_key is None


def test_an_api_key_is_read_with_its_organization_and_not_once_revoked(owner):
    from laurel.organizations.api_keys import revoke_api_key

    api_key, raw = create_api_key(actor=owner, name="LMS", role="admin")
    actor = authenticate_api_key(raw_key=raw)
    assert actor.api_key == api_key and actor.role == "admin"
    assert field_values(actor.organization) == field_values(owner.organization)
    assert field_values(actor.api_key) == field_values(ApiKey.objects.get(pk=api_key.pk))
    revoke_api_key(actor=owner, api_key_id=api_key.pk)
    assert authenticate_api_key(raw_key=raw) is None
    assert authenticate_api_key(raw_key=raw + "x") is None


def test_insert_writes_every_field_as_save_would(owner):
    from laurel.organizations.models import AuditEvent

    def event(action, data):
        return AuditEvent(
            organization=owner.organization,
            actor_label="Zoë 'Q' <b>",
            door="api",
            action=action,
            object_type="Credential",
            object_id="x" * 32,
            data=data,
        )

    made = [event("one", {"ünï": ["✓", None, 1.5, {"a": '\\n"'}]}), event("two", {})]
    rows.insert(made)
    assert all(not obj._state.adding and obj.pk is None for obj in made)
    stored = AuditEvent.objects.filter(action__in=["one", "two"]).order_by("action")
    assert [(e.action, e.data, e.created_at, e.actor_label) for e in stored] == [
        (obj.action, obj.data, obj.created_at, obj.actor_label) for obj in made
    ]
    rows.insert([])  # nothing to write: no statement, no error


def test_json_text_is_stored_as_the_value_it_was_serialized_from(owner):
    """A JSONText (a signed document as the signing process sends it) is stored as the
    dict it was made from would be, next to rows given dicts, in one INSERT."""
    import json

    data = {"ünï": ["✓", None, 1.5, {"a": '\\n"', "<b>": True}], "n": 10**20}
    given = [
        AuditEvent(
            organization=owner.organization, action="text", data=rows.JSONText(json.dumps(data))
        ),
        AuditEvent(organization=owner.organization, action="dict", data=data),
        AuditEvent(organization=owner.organization, action="string", data="a plain string"),
    ]
    rows.insert(given)
    stored = dict(
        AuditEvent.objects.filter(action__in=["text", "dict", "string"]).values_list(
            "action", "data"
        )
    )
    assert stored == {"text": data, "dict": data, "string": "a plain string"}
    assert Credential.objects.filter(document__isnull=False).count() == 0
    assert AuditEvent.objects.filter(action="text", data__n=10**20).exists()  # JSON, not a string


SAMPLES = {type(None): None, str: "Zoë <b>'=1+1'</b>", bool: True, int: 41}


@pytest.mark.parametrize(
    "field",
    [field for model in apps.get_models() for field in model._meta.concrete_fields],
    ids=lambda field: f"{field.model._meta.label}.{field.name}",
)
def test_a_value_written_as_it_is_is_what_get_db_prep_save_gives(field):
    """rows skips get_db_prep_save only for values it would give back unchanged."""
    for kind in rows.unchanged_types(field, connection):
        value = SAMPLES[kind]
        assert field.get_db_prep_save(value, connection) is value, kind


def _comparable(prepared):
    """A prepared value as it compares: psycopg's Jsonb wrapper by what it wraps."""
    if type(prepared).__name__ == "Jsonb":
        return ("Jsonb", prepared.obj, prepared.dumps)
    return prepared


DIRECT_SAMPLES = {
    "DateTimeField": [
        datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Paris")),
        datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Paris"), fold=1),
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=ZoneInfo("Asia/Kolkata")),
    ],
    "JSONField": [{}, [], {"a": [1, 2.5, True, None, "Zoë <b>"]}, ["x", {"y": {}}], "text", 0, 1.5],
}


@pytest.mark.parametrize(
    "field",
    [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if type(field).__name__ in DIRECT_SAMPLES
    ],
    ids=lambda field: f"{field.model._meta.label}.{field.name}",
)
def test_a_value_prepared_in_one_call_is_what_get_db_prep_save_gives(field):
    """rows' shortcut for aware times and JSON values gives what the field's own steps give,
    for every DateTimeField and JSONField of every model, on the backend under test."""
    direct = rows._direct(field, connection)
    assert direct is not None  # Django's own fields, all of them: the shortcut applies
    for value in DIRECT_SAMPLES[type(field).__name__]:
        expected = field.get_db_prep_save(value, connection)
        assert _comparable(direct(value, connection)) == _comparable(expected), value


def test_a_naive_time_still_goes_through_the_fields_own_steps():
    """Only aware times take the shortcut: a naive one is still made aware, with Django's
    warning, exactly as get_db_prep_save does."""
    field = AuditEvent._meta.get_field("created_at")
    naive = datetime(2026, 3, 1, 12, 0)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        expected = field.get_db_prep_save(naive, connection)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        assert rows._direct(field, connection)(naive, connection) == expected


def test_text_is_written_as_it_is_and_dates_and_json_are_prepared():
    event = AuditEvent._meta
    assert str in rows.unchanged_types(event.get_field("action"), connection)
    assert rows.unchanged_types(event.get_field("created_at"), connection) == {type(None)}
    assert rows.unchanged_types(event.get_field("data"), connection) == {type(None)}


def test_insert_values_returns_the_ids_in_the_rows_order_and_skips_conflicts(owner):
    from laurel.organizations.models import QuotaUsage

    now = datetime(2026, 3, 1, tzinfo=UTC)
    month = now.date().replace(day=1)
    emails = [f"p{n}@example.org" for n in (5, 1, 9, 3)]

    def usage(email):
        return {
            "organization": owner.organization.pk,
            "month": month,
            "email_normalized": email,
            "created_at": now,
        }

    ids = rows.insert_values(QuotaUsage, [usage(email) for email in emails], returning=True)
    stored = dict(QuotaUsage.objects.filter(pk__in=ids).values_list("pk", "email_normalized"))
    assert [stored[pk] for pk in ids] == emails
    rows.insert_values(
        QuotaUsage, [usage(emails[0]), usage("new@example.org")], ignore_conflicts=True
    )
    assert QuotaUsage.objects.filter(organization=owner.organization).count() == 5


def test_text_that_array_literals_would_need_quoting_for_is_written_as_given(owner):
    """PostgreSQL receives each column as an array: text with the characters of an array
    literal (braces, commas, quotes, backslashes), NULL spelled out, newlines and every
    script must come back as it went."""
    from django.test.utils import CaptureQueriesContext

    from laurel.organizations.models import AuditEvent

    labels = ['{a,"b"}', "back\\slash", "NULL", "", "line\nbreak\ttab", "עִבְרִית 中文 🎓", "'; --"]
    events = [
        AuditEvent(organization=owner.organization, action=f"odd{n}", actor_label=label, data={})
        for n, label in enumerate(labels)
    ]
    with CaptureQueriesContext(connection) as queries:
        rows.insert(events)
    assert len(queries) == 1 and "INSERT" in queries[0]["sql"]
    stored = dict(
        AuditEvent.objects.filter(action__startswith="odd").values_list("action", "actor_label")
    )
    assert [stored[f"odd{n}"] for n in range(len(labels))] == labels
    users = AuditEvent.objects.filter(action__startswith="odd").values_list("actor_user", flat=True)
    assert set(users) == {None}  # a column of NULLs only


def test_update_each_sets_each_row_its_own_value_and_the_shared_ones(owner):
    from laurel.organizations.models import AuditEvent

    events = [
        AuditEvent(organization=owner.organization, action=f"upd{n}", actor_label="", data={})
        for n in range(5)
    ]
    rows.insert(events)
    ids = list(
        AuditEvent.objects.filter(action__startswith="upd")
        .order_by("action")
        .values_list("pk", flat=True)
    )
    labels = {pk: f'label {n} {{,"}}' for n, pk in enumerate(ids[:4])}
    rows.update_each(AuditEvent, "actor_label", labels, also={"door": "bulk"})
    stored = {e.pk: (e.actor_label, e.door) for e in AuditEvent.objects.filter(pk__in=ids)}
    assert stored == {
        **{pk: (label, "bulk") for pk, label in labels.items()},
        ids[4]: ("", AuditEvent.objects.get(pk=ids[4]).door),
    }
    assert stored[ids[4]][1] != "bulk"  # the row not named is left as it was
    rows.update_each(AuditEvent, "actor_label", {})  # nothing to do: no statement


def test_times_shared_by_rows_are_written_as_each_row_gives_them(owner):
    """A column's dates are prepared once per distinct value: the same instant given in
    two zones, and distinct instants, all come back as given."""
    from datetime import timedelta
    from datetime import timezone as tz

    from laurel.organizations.models import AuditEvent

    noon = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    times = [noon, noon.astimezone(tz(timedelta(hours=5))), noon + timedelta(seconds=1), noon]
    events = [
        AuditEvent(
            organization=owner.organization, action=f"t{n}", actor_label="", data={}, created_at=t
        )
        for n, t in enumerate(times)
    ]
    rows.insert(events)
    stored = dict(
        AuditEvent.objects.filter(action__in=[f"t{n}" for n in range(4)]).values_list(
            "action", "created_at"
        )
    )
    assert [stored[f"t{n}"] for n in range(4)] == times


def test_an_audit_event_is_written_with_the_actor_object_and_data_it_was_given(owner):
    from laurel.organizations import audit
    from laurel.organizations.permissions import Actor

    group = CredentialGroup.objects.create(organization=owner.organization, title="Audit")
    api_key, _ = create_api_key(actor=owner, name="LMS", role="admin")
    by_key = Actor(organization=owner.organization, role="admin", api_key=api_key, door="api")
    audit.record_many(by_key, [("group.made", group, {"n": 1}), ("thing.done", None, None)])
    audit.record(owner, "group.seen", group)
    made = {e.action: e for e in AuditEvent.objects.filter(organization=owner.organization)}
    expected = {
        "group.made": (None, api_key.pk, "api", "CredentialGroup", str(group.pk), {"n": 1}),
        "thing.done": (None, api_key.pk, "api", "", "", {}),
        "group.seen": (owner.user.pk, None, owner.door, "CredentialGroup", str(group.pk), {}),
    }
    for action, (user, key, door, kind, object_id, data) in expected.items():
        event = made[action]
        assert (event.actor_user_id, event.actor_api_key_id, event.door) == (user, key, door)
        assert (event.object_type, event.object_id, event.data) == (kind, object_id, data)
        assert event.actor_label and event.created_at is not None


def test_a_wall_time_a_clock_change_repeats_is_written_as_the_instant_it_is(owner):
    """01:30 on the night Paris goes back an hour happens twice: `fold` tells them apart,
    though Python finds them equal."""
    from zoneinfo import ZoneInfo

    from laurel.organizations.models import AuditEvent

    first = datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Paris"))
    second = first.replace(fold=1)
    assert first == second and first.astimezone(UTC) != second.astimezone(UTC)
    events = [
        AuditEvent(organization=owner.organization, action=a, actor_label="", data={}, created_at=t)
        for a, t in (("fold0", first), ("fold1", second))
    ]
    rows.insert(events)
    stored = dict(
        AuditEvent.objects.filter(action__startswith="fold").values_list("action", "created_at")
    )
    assert stored["fold0"] == first.astimezone(UTC)
    assert stored["fold1"] == second.astimezone(UTC)


def test_whole_numbers_shared_by_rows_are_written_as_each_row_gives_them(owner, org_factory):
    """A column's whole numbers are prepared once per distinct value too: a shared id and
    another one among them come back as each row gave them."""
    from laurel.organizations.models import QuotaUsage

    other = org_factory()
    orgs = [owner.organization.pk, owner.organization.pk, other.pk, owner.organization.pk]
    rows.insert_values(
        QuotaUsage,
        [
            {
                "organization": org,
                "month": date(2026, 3, 1),
                "email_normalized": f"n{n}@example.org",
                "created_at": datetime(2026, 3, 1, tzinfo=UTC),
            }
            for n, org in enumerate(orgs)
        ],
    )
    stored = dict(QuotaUsage.objects.values_list("email_normalized", "organization_id"))
    assert [stored[f"n{n}@example.org"] for n in range(4)] == orgs
