"""The Chinese catalogue is complete: every message in the code has a Chinese translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from scripts.update_messages import MESSAGE_IGNORE

CATALOGUE = settings.PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_placeholders_survive_translation():
    """Every placeholder of the English reaches the Chinese. Chinese has one plural form, used
    for every count, so a plural entry's translation follows the plural msgid."""
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]")
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        source = entry.msgid_plural or entry.msgid
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for translation in translations:
            assert sorted(pattern.findall(translation)) == sorted(pattern.findall(source)), (
                entry.msgid
            )


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    """Extract the messages again (as makemessages does) and compare with the catalogue."""
    if not shutil.which("xgettext"):
        if settings.YAOJIAN_CI:
            pytest.fail("xgettext (Debian package gettext) is needed to check the catalogue")
        pytest.skip("xgettext is not installed (Debian package gettext)")
    locale = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    shutil.copy(CATALOGUE, locale / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    # From the repository root, with the real catalogue's folder ignored: makemessages writes
    # into any "locale" folder it meets on its walk, which would make this test pass always.
    monkeypatch.chdir(Path(settings.BASE_DIR))
    before = CATALOGUE.read_bytes()
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        verbosity=0,
        no_obsolete=True,
        ignore_patterns=[*MESSAGE_IGNORE, "yaojian/locale"],
    )
    assert CATALOGUE.read_bytes() == before, "the check must not rewrite the real catalogue"
    extracted = polib.pofile(str(locale / "django.po"))
    missing = sorted(e.msgid for e in extracted.untranslated_entries())
    assert not missing, f"{len(missing)} messages lack a Chinese translation, e.g. {missing[:8]}"
    # a new message close to an old one is merged as a fuzzy guess with the old translation,
    # which Django does not show: as good as missing
    guessed = sorted(e.msgid for e in extracted.fuzzy_entries())
    assert not guessed, f"{len(guessed)} messages have only a guessed translation: {guessed[:8]}"
