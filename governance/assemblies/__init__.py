"""General assemblies (DOMAIN.md §4): convocation with two calls and the notice period,
the roll of voters on the assembly date, proxies, attendance and the quorum. The pure
rules are in `rules.py`; nothing there touches the database or the request."""
