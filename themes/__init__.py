"""The thematic taxonomy: development areas (language development, leadership, mathematics …).

``themes`` imports nothing else of Kanal's; ``cms`` and ``syndication`` import it.
"""
