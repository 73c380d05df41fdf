"""A person's name: one rule (core.people) for pages, exports, mail and the API."""

import pytest
from django.template import Context, Template

from core.people import display_name, name_from_parts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_is_named_by_their_full_name_else_their_username():
    assert display_name(UserFactory(username="zhang", first_name="张伟")) == "张伟"
    assert display_name(UserFactory(username="li", first_name="Li", last_name="Na")) == "Li Na"
    assert display_name(UserFactory(username="wang")) == "wang"


def test_nobody_is_named_as_the_caller_asks():
    assert display_name(None) == ""
    assert display_name(None, nobody="—") == "—"


def test_a_row_read_as_values_is_named_alike():
    assert name_from_parts("Li", "Na", "li") == "Li Na"
    assert name_from_parts("", "", "wang") == "wang"


def test_the_template_filter_names_a_user_and_dashes_nobody():
    template = Template("{% load taizhang %}{{ a|display_name }}|{{ b|display_name }}|{{ c|display_name }}")
    context = Context(
        {"a": UserFactory(username="zhao", first_name="赵敏"), "b": UserFactory(username="qian"), "c": None}
    )
    assert template.render(context) == "赵敏|qian|—"
