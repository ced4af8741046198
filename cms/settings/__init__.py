"""Settings packages: ``base`` holds everything; ``dev``, ``test`` and ``production`` adjust it.

``manage.py`` and ``wsgi.py`` default to ``cms.settings.dev``; production sets
``DJANGO_SETTINGS_MODULE=cms.settings.production``.
"""
