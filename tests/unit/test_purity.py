"""assess.core and assess.items (and the bank loader) must not pull in Flask or SQLAlchemy."""
import subprocess
import sys

PURE = ["assess.core.selection", "assess.items", "assess.banks.loader"]


def test_pure_layers_import_no_web_or_database_code():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in PURE) +
            "bad = sorted({m.split('.')[0] for m in sys.modules} & "
            "{'flask', 'sqlalchemy', 'werkzeug', 'flask_sqlalchemy'})\n"
            "print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
