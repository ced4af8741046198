"""Demo content for ``manage.py seed_demo``: a small Swedish school-development site.

All text is written for Kanal; images and PDFs are generated at seed time, offline.
"""
