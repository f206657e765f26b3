"""Motions and votes (DOMAIN.md §5): which assembly may vote a subject, the majority
rule each subject and call needs, correspondence ballots on amended texts, receipts of
secret votes that anyone can recount, and the readable diff of a proposed text. The pure
rules are in `rules.py` and `diff.py`; nothing there touches the database or the request."""
