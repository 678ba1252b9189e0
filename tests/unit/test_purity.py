"""assess.core, assess.items, assess.credentials, assess.importers (and the bank loader,
linter and validity report) must not pull in Flask or SQLAlchemy."""
import pkgutil
import subprocess
import sys
from pathlib import Path

ASSESS = Path(__file__).resolve().parents[2] / "assess"
PURE = ([f"assess.core.{m.name}" for m in pkgutil.iter_modules([str(ASSESS / "core")])]
        + [f"assess.credentials.{m.name}"
           for m in pkgutil.iter_modules([str(ASSESS / "credentials")])]
        + [f"assess.importers.{m.name}"
           for m in pkgutil.iter_modules([str(ASSESS / "importers")])]
        + ["assess.items", "assess.items.shortcuts", "assess.banks.loader",
           "assess.banks.validity", "assess.banks.lint"])


def test_pure_layers_import_no_web_or_database_code():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in PURE) +
            "bad = sorted({m.split('.')[0] for m in sys.modules} & "
            "{'flask', 'sqlalchemy', 'werkzeug', 'flask_sqlalchemy'})\n"
            "print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
