"""Kanal's outgoing feeds: RSS 2.0, Atom 1.0 (RFC 4287), JSON Feed 1.1, iCalendar (RFC 5545),
OPML, and the WebSub publisher (W3C Recommendation) that pings hubs when they change.

* ``scope``      which pages a feed URL means (everything, a type, a theme, a tag; a locale)
* ``selection``  the latest live, public, unexpired pages of a scope, as representation rows
* ``items``      a feed item derived from the page's shared API representation
* ``generators`` ``feedgenerator`` subclasses (Media RSS, WebSub links) and the JSON Feed one
* ``views``      Django syndication ``Feed`` classes behind the feeds' conditional cache
* ``caching``    ETag/Last-Modified/304 on the API's global stamp
* ``calendar``   the programs' meetings as iCalendar
* ``opml``       every feed Kanal serves, in one OPML file
* ``websub``     which feeds an event changed, and the hub pings for them
"""
