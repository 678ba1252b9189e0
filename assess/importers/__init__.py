"""Turning labelled datasets into bank YAML. Pure: each format module reads a file into item
entries and a report of what it skipped and why; the CLI writes the bank."""
