"""Importing a plan from its document: reading, the numbering grammar, target extraction."""
