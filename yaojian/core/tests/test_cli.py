"""The `yaojian` console command."""

from __future__ import annotations

import pytest
from django.core.management import get_commands

from yaojian import cli

EVERY_COMMAND = [
    "demo",
    "serve",
    "migrate",
    "install_shipped_data",
    "worker",
    "scheduler",
    "token",
    "audit",
    "elicence",
    "inspection",
    "vigilance",
    "manage",
]


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["help"], []])
def test_help_lists_every_command(capsys, argv):
    cli.main(argv)
    out = capsys.readouterr().out
    assert out.startswith("usage: yaojian <command>")
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert listed == EVERY_COMMAND
    for line in out.splitlines():
        if line.startswith("  "):
            assert len(line.split(maxsplit=1)) == 2  # each with a description


def test_every_listed_command_exists_as_a_management_command():
    django_commands = get_commands()
    for name in EVERY_COMMAND:
        if name != "manage":
            assert name in django_commands, name


def test_an_unknown_command_exits_with_status_2_and_shows_the_usage(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["frobnicate"])
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert "unknown command 'frobnicate'" in captured.err
    assert "usage: yaojian" in captured.err
    assert captured.out == ""


@pytest.fixture
def keep_connection(monkeypatch):
    """A command run from the command line closes every connection when it ends, which
    would end the test's transaction: keep it open."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.mark.django_db
def test_a_command_runs_through_django(capsys, keep_connection):
    cli.main(["audit", "verify"])
    assert "audit chain intact: 0 entries verified" in capsys.readouterr().out


@pytest.mark.django_db
def test_manage_reaches_any_django_command(capsys, keep_connection):
    cli.main(["manage", "check", "--tag", "models"])
    assert "System check identified no issues" in capsys.readouterr().out


def test_a_command_help_describes_its_options(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["scheduler", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "--once" in out and "--list" in out
