"""Everything that crosses to the outside world: pull, push, webhooks, feeds.

Imports go one way: ``themes`` <- ``cms`` <- ``syndication``. This app listens to the CMS
through signals connected in ``SyndicationConfig.ready()``.
"""
