"""Rendering: the documents' contexts, the sandboxed templates, the open data, the PDF copies."""
