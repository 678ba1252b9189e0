"""Bank and blueprint files: loading with located errors (no Flask, no database)."""
