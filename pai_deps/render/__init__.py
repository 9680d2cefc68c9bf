"""Turning results into text: tables and trees (rich), DOT, Mermaid, Markdown."""
