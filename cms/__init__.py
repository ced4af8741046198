"""The Django project and the content domain (pages, snippets, blocks, events, API)."""
