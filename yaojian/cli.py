"""The `yaojian` command: the platform's operations in one place.

Each subcommand is a Django management command; `yaojian manage ...` reaches any other one.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "demo": "create or upgrade the local database, load the demo province, print the accounts, serve",
    "serve": "serve the platform (granian + whitenoise), without demo data",
    "migrate": "create or upgrade the database schema",
    "install_shipped_data": "put back the shipped matters and checklists a database lacks",
    "worker": "run background tasks",
    "scheduler": "enqueue periodic jobs when they fall due",
    "token": "create, list or revoke enterprise API tokens",
    "audit": "audit log tools: 'yaojian audit verify' checks the SM3 hash chain",
    "elicence": "electronic licences: keys (rotate, export), issue, verify a QR code offline",
    "inspection": "random inspections: 'yaojian inspection redraw PLAN' recomputes a draw from its record",
    "vigilance": "adverse reactions: MedDRA import, E2B(R3) import/export, 'signals' over a CSV file",
    "manage": "any other Django management command, e.g. 'yaojian manage shell'",
}


def usage() -> str:
    lines = ["usage: yaojian <command> [options]", "", "commands:"]
    width = max(map(len, COMMANDS))
    lines += [f"  {name:<{width}} {text}" for name, text in COMMANDS.items()]
    lines += ["", "'yaojian <command> --help' describes a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"yaojian: unknown command '{command}'\n", file=sys.stderr)
        print(usage(), file=sys.stderr)
        sys.exit(2)
    if command == "demo":
        os.environ.setdefault("YAOJIAN_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yaojian.settings")
    from django.core.management import execute_from_command_line

    if command == "manage":
        execute_from_command_line(["yaojian manage", *rest])
    else:
        execute_from_command_line(["yaojian", command, *rest])


if __name__ == "__main__":
    main()
