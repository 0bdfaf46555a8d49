"""What the studio previews with: sample values, the organization's longest recipient
name, a right-to-left name (a real one when the organization has one), a real credential;
never another organization's."""

from __future__ import annotations

import pytest

from laurel.design import sample_values
from laurel.designs.selectors import SAMPLE_RTL_NAME, preview_values

pytestmark = pytest.mark.django_db


def test_the_longest_name_of_the_organization_is_previewed(acme, never_group, publish_to):
    publish_to(never_group, name="Bo Li", email="bo@example.org")
    publish_to(never_group, name="Maximiliane Wolfeschlegelsteinhausen", email="m@example.org")
    values, caption = preview_values(acme, "longest")
    assert values.recipient_name == caption == "Maximiliane Wolfeschlegelsteinhausen"
    assert values.group_title == never_group.title


def test_a_right_to_left_name_is_a_real_one_when_there_is_one(acme, never_group, publish_to):
    assert preview_values(acme, "rtl")[0].recipient_name == SAMPLE_RTL_NAME
    publish_to(never_group, name="Ada Lovelace", email="ada@example.org")
    publish_to(never_group, name="יעל כהן", email="yael@example.org")
    assert preview_values(acme, "rtl")[0].recipient_name == "יעל כהן"


def test_another_organizations_credential_is_never_previewed(acme, globex, group_factory,
                                                             outsider, publish_to):  # fmt: skip
    from laurel.credentials.services import issue

    theirs = issue(actor=outsider, group_key=group_factory(globex, title="T").key,
                   recipient_name="Their Longest Recipient Name Of All", recipient_email="t@x.org")  # fmt: skip
    assert preview_values(acme, f"credential:{theirs.pk}") == (sample_values(), "sample values")
    assert preview_values(acme, "longest")[0] == sample_values()
