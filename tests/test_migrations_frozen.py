"""Migrations keep the code they were written with: none imports a live module
of the project, whose later edits would change what an old migration does."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROJECT_APPS = {path.parent.parent.name for path in ROOT.glob("*/migrations/__init__.py")}
# A FileField's upload_to names a function, and Django compares the migration's
# reference with the model's: a copy would read as a change to the field. The
# function is only referenced (never run) while migrating.
REFERENCED_ONLY = {
    ("supervision/migrations/0001_initial.py", "supervision.models"),
    ("progress/migrations/0008_report_attachments.py", "progress.models"),
    ("supervision/migrations/0002_bulletin_numbers_and_answer_sign_off.py", "supervision.models"),
}


def project_imports(path: Path) -> set[str]:
    """The modules of the project's apps that a file imports, at any depth."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        found |= {name for name in names if name.split(".")[0] in PROJECT_APPS}
    return found


def test_the_project_has_migrations_to_read():
    assert {"core", "targets", "progress", "supervision"} <= PROJECT_APPS


def test_no_migration_imports_a_live_module_of_the_project():
    offending = {
        (str(path.relative_to(ROOT)), module)
        for app in PROJECT_APPS
        for path in sorted((ROOT / app / "migrations").glob("0*.py"))
        for module in project_imports(path)
    }
    assert offending - REFERENCED_ONLY == set()
