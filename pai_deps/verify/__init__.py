"""Contract verification: run declared commands, diff and validate schemas."""
