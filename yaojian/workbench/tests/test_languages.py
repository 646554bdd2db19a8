"""To-dos and messages read in the reader's language, whoever posted them and in what language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.testing import factories
from yaojian.workbench import services
from yaojian.workbench.models import Message, Todo

# msgids already in the catalogue, with their Chinese
PUBLISH = "Publish the penalty decision %(number)s"
PUBLISH_ZH = "公示行政处罚决定书 {}"
RECALL = "Recall order %(number)s (level %(level)s): %(product)s"


@pytest.fixture
def donghu(province):
    return factories.bureau("360102")


def _reader(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _post_in_english(donghu):
    """Posted by someone reading in English: the bureau's name is data in the reader's language."""
    with translation.override("en"):
        return services.todo_post(
            source="test",
            kind="check",
            title=lambda: _(PUBLISH) % {"number": "CF-7"},
            body=lambda: donghu.display_name,
            bureau=donghu,
        )


def test_a_todo_reads_in_each_readers_language_on_the_page(donghu, county_regulator):
    assert donghu.name != donghu.name_en
    _post_in_english(donghu)
    english = _reader(county_regulator, "en").get(reverse("workbench:todos")).content.decode()
    chinese = _reader(county_regulator, "zh-hans").get(reverse("workbench:todos")).content.decode()
    assert "Publish the penalty decision CF-7" in english and donghu.name_en in english
    assert PUBLISH_ZH.format("CF-7") not in english
    assert PUBLISH_ZH.format("CF-7") in chinese and donghu.name in chinese
    assert "Publish the penalty decision" not in chinese
    home = _reader(county_regulator, "en").get(reverse("workbench:home")).content.decode()
    assert "Publish the penalty decision CF-7" in home


def test_a_todo_reads_in_each_readers_language_through_the_api(donghu, county_regulator):
    _post_in_english(donghu)
    [english] = _reader(county_regulator, "en").get("/api/v1/todos").json()
    [chinese] = _reader(county_regulator, "zh-hans").get("/api/v1/todos").json()
    assert english["title"] == "Publish the penalty decision CF-7"
    assert english["body"] == donghu.name_en
    assert chinese["title"] == PUBLISH_ZH.format("CF-7")
    assert chinese["body"] == donghu.name


def test_the_plain_columns_hold_the_default_language(donghu, settings):
    todo = _post_in_english(donghu)
    todo.refresh_from_db()
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert todo.title == PUBLISH_ZH.format("CF-7") and todo.body == donghu.name
    assert todo.title_i18n == {
        "zh-hans": PUBLISH_ZH.format("CF-7"),
        "en": "Publish the penalty decision CF-7",
    }


def test_a_message_reads_in_each_readers_language(
    province, django_capture_on_commit_callbacks, client
):
    user = factories.regulator("360102", email="li@example.cn")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.notify(
            user,
            source="test",
            subject=lambda: _(RECALL) % {"number": "ZH-1", "level": 2, "product": "阿莫西林胶囊"},
            body=gettext_lazy("Open"),
        )
    expected_zh = "召回令ZH-1（2级）：阿莫西林胶囊"
    page = _reader(user, "en").get(reverse("workbench:messages")).content.decode()
    assert "Recall order ZH-1 (level 2): 阿莫西林胶囊" in page and expected_zh not in page
    page = _reader(user, "zh-hans").get(reverse("workbench:messages")).content.decode()
    assert expected_zh in page and "Recall order" not in page
    [english] = _reader(user, "en").get("/api/v1/messages").json()
    [chinese] = _reader(user, "zh-hans").get("/api/v1/messages").json()
    assert english["subject"] == "Recall order ZH-1 (level 2): 阿莫西林胶囊"
    assert chinese["subject"] == expected_zh
    assert english["body"] == "Open" and chinese["body"] != "Open"
    # e-mail goes in the language the account last used; one that never signed in reads the
    # default language, as the plain columns
    assert expected_zh in mail.outbox[0].subject
    user.language = "en"
    user.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            user,
            source="test",
            subject=lambda: _(RECALL) % {"number": "ZH-2", "level": 1, "product": "阿莫西林胶囊"},
            body=gettext_lazy("Open"),
        )
    assert mail.outbox[1].subject.endswith("Recall order ZH-2 (level 1): 阿莫西林胶囊")
    assert mail.outbox[1].subject.startswith("[Jiangxi Smart Drug Regulation Platform]")
    assert mail.outbox[1].body == "Open"
    assert mail.outbox[0].body != "Open"


def test_the_enterprise_portal_shows_messages_in_the_readers_language(enterprise_master):
    services.notify(
        enterprise_master,
        source="test",
        subject=lambda: _(PUBLISH) % {"number": "CF-9"},
        email=False,
    )
    for page in ("portal:enterprise_home", "portal:messages"):
        english = _reader(enterprise_master, "en").get(reverse(page)).content.decode()
        chinese = _reader(enterprise_master, "zh-hans").get(reverse(page)).content.decode()
        assert "Publish the penalty decision CF-9" in english
        assert PUBLISH_ZH.format("CF-9") in chinese
        assert "Publish the penalty decision" not in chinese


def test_old_rows_and_missing_languages_show_the_stored_text(donghu, county_regulator):
    old = Todo.objects.create(
        source="t", kind="k", title="旧的待办", body="旧的说明", bureau=donghu
    )
    partial = Todo.objects.create(
        source="t", kind="k", title="只有中文", bureau=donghu, title_i18n={"zh-hans": "只有中文"}
    )
    message = Message.objects.create(recipient=county_regulator, source="t", subject="旧的消息")
    todos = {t["id"]: t for t in _reader(county_regulator, "en").get("/api/v1/todos").json()}
    assert todos[old.pk]["title"] == "旧的待办" and todos[old.pk]["body"] == "旧的说明"
    assert todos[partial.pk]["title"] == "只有中文"
    page = _reader(county_regulator, "en").get(reverse("workbench:todos")).content.decode()
    assert "旧的待办" in page and "只有中文" in page
    [read] = _reader(county_regulator, "en").get("/api/v1/messages").json()
    assert read["id"] == message.pk and read["subject"] == "旧的消息"


def test_a_plain_string_is_kept_as_given_in_every_language(donghu):
    todo = services.todo_post(
        source="t", kind="k", title="复核", body="科长写的理由", bureau=donghu
    )
    todo.refresh_from_db()
    assert (todo.title, todo.body, todo.title_i18n, todo.body_i18n) == (
        "复核",
        "科长写的理由",
        {},
        {},
    )
    with translation.override("en"):
        assert todo.title_text == "复核" and todo.body_text == "科长写的理由"


def test_texts_already_rendered_per_language_are_accepted(donghu):
    todo = services.todo_post(
        source="t", kind="k", title={"zh-hans": "复核", "en": "Check"}, bureau=donghu
    )
    with translation.override("en"):
        assert todo.title_text == "Check"
    with translation.override("zh-hans"):
        assert todo.title_text == "复核"
    assert todo.title == "复核"


def test_a_long_title_is_cut_in_every_language_not_refused(donghu):
    todo = services.todo_post(
        source="t",
        kind="k",
        title={"zh-hans": "长" * 150, "en": "long " * 60},
        bureau=donghu,
    )
    todo.refresh_from_db()
    assert todo.title == "长" * 150
    assert len(todo.title_i18n["en"]) == 200 and todo.title_i18n["en"].endswith("…")


def test_a_variant_of_a_language_reads_that_language(donghu):
    todo = services.todo_post(
        source="t", kind="k", title={"zh-hans": "复核", "en": "Check"}, bureau=donghu
    )
    with translation.override("en-gb"):
        assert todo.title_text == "Check"


def test_each_language_renders_under_each_language():
    rendered = services.each_language(lambda: translation.get_language())
    assert rendered == {"zh-hans": "zh-hans", "en": "en"}
    assert services.each_language("同一") == {"zh-hans": "同一", "en": "同一"}
    with pytest.raises(TypeError):
        services.each_language(42)
