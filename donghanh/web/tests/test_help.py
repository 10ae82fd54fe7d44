"""The user guide (/help/): the user's own roles first, one page per role for anyone logged in, every screenshot it
shows on disk, and nothing for anonymous visitors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from donghanh.accounts.roles import Role
from donghanh.core.tests.pages import parse
from donghanh.web.guide import GUIDES
from donghanh.web.templatetags.help_guide import SHOT_SUFFIX
from donghanh.web.tests.help_guide import referenced_shots

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer_client(client: Client, make_user: Callable[..., Any], phu_thuong: Any) -> Client:
    client.force_login(make_user(Role.VOLUNTEER, phu_thuong))
    return client


def test_the_index_lists_every_guide_the_user_s_own_role_first(volunteer_client: Client) -> None:
    page = parse(volunteer_client.get(reverse("help")))

    own = page.get(data_testid="help-own").find_all(data_testid="help-guide-link")
    assert [link.attrs["data-role"] for link in own] == [Role.VOLUNTEER]
    assert "Tình nguyện viên" in own[0].text
    others = page.get(data_testid="help-others").find_all(data_testid="help-guide-link")
    assert [link.attrs["data-role"] for link in others] == [g.role for g in GUIDES if g.role != Role.VOLUNTEER]
    assert len(own + others) == 8


def test_a_user_without_a_guide_of_their_own_sees_them_all(
    client: Client, make_user: Callable[..., Any], unit: Callable[..., Any]
) -> None:
    client.force_login(make_user(Role.SYSTEM_ADMIN, unit("VN", level=0)))
    page = parse(client.get(reverse("help")))

    assert page.find(data_testid="help-own") is None
    assert len(page.get(data_testid="help-others").find_all(data_testid="help-guide-link")) == len(GUIDES)


def test_every_guide_renders_with_its_screenshots_on_disk(volunteer_client: Client) -> None:
    shown: set[str] = set()
    for guide in GUIDES:
        response = volunteer_client.get(reverse("help_guide", args=[guide.slug]))
        assert response.status_code == 200, guide.slug
        page = parse(response)
        article = page.get(data_testid="help-guide")
        assert article.attrs["lang"] == "vi"
        assert article.find("h1") is not None
        images = article.find_all("img", data_testid="help-shot")
        assert images, f"{guide.slug} shows no screenshot"
        for image in images:
            src = image.attrs["src"] or ""
            assert src.startswith("/static/help/") and src.endswith(SHOT_SUFFIX), src
            assert finders.find(src.removeprefix("/static/")), f"{guide.slug} shows a missing image: {src}"
            assert image.attrs.get("alt"), src
            shown.add(src.removeprefix("/static/help/").removesuffix(SHOT_SUFFIX))
        for _text, href in article.links():
            if href.startswith("#"):
                assert article.find(id=href[1:]) is not None, f"{guide.slug}: no section for the link {href}"
    assert shown == referenced_shots()  # every screenshot the templates name is shown by some guide


def test_the_english_interface_says_the_guide_is_in_vietnamese(volunteer_client: Client) -> None:
    response = volunteer_client.get(reverse("help_guide", args=["volunteer"]), headers={"accept-language": "en"})

    assert "This guide is written in Vietnamese." in parse(response).get(data_testid="help-language-note").text


def test_an_unknown_guide_is_not_found(volunteer_client: Client) -> None:
    assert volunteer_client.get("/help/someone-else/").status_code == 404


@pytest.mark.parametrize("path", ["/help/", "/help/volunteer/"])
def test_anonymous_visitors_are_sent_to_log_in(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"
