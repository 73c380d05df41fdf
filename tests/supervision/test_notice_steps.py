"""The steps of a notice have one vocabulary (supervision.choices.NoticeStep):
the page's URLs, the API's actions and the services are named by it."""

import pytest
from django.urls import Resolver404, resolve, reverse

from api.notices import STEPS
from supervision.choices import NOTICE_STEPS, NoticeStep
from supervision.services import NOTICE_STEP_SERVICES
from supervision.views import STEP_FORMS


@pytest.mark.parametrize("step", list(NoticeStep))
def test_the_page_and_the_api_name_each_step_alike(step):
    page = reverse("supervision:notice_act", args=[7, step])
    assert page == f"/supervision/notices/7/{step}/"
    assert resolve(page).kwargs == {"notice_id": 7, "step": step}
    assert resolve(f"/api/v1/notices/7/{step}/").url_name == f"notice-{step}"


@pytest.mark.parametrize("name", ["extension", "grant", "refuse", "nothing"])
def test_a_name_outside_the_vocabulary_is_no_page(name):
    with pytest.raises(Resolver404):
        resolve(f"/supervision/notices/7/{name}/")


def test_every_step_has_its_rule_its_service_its_form_and_its_api_input():
    assert set(NOTICE_STEPS) == set(NOTICE_STEP_SERVICES) == set(STEP_FORMS) == set(STEPS) == set(NoticeStep)
