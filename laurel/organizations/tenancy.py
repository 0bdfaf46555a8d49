"""Tenancy in one place: every read of an organization's objects goes through here.

Another organization's object answers exactly like a missing one (NotFound), never
Forbidden, so ids do not leak which objects exist.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from laurel.organizations.errors import NotFound

M = TypeVar("M", bound=models.Model)


class TenantQuerySet(models.QuerySet):
    def for_organization(self, organization) -> TenantQuerySet:
        return self.filter(organization=organization)


TenantManager = models.Manager.from_queryset(TenantQuerySet)


def scoped(model_or_queryset, organization) -> models.QuerySet:
    """The objects of `organization` only (a model class or a queryset of one)."""
    queryset = (
        model_or_queryset.objects.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    return queryset.filter(organization=organization)


def get_scoped(model_or_queryset, organization, *, error: type[NotFound] = NotFound, **lookup):
    """One object of `organization` or `error` (NotFound) — also for another org's id."""
    try:
        return scoped(model_or_queryset, organization).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError):
        raise error() from None
