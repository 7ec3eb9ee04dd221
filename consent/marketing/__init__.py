"""Marketing mail on the soft opt-in: preferences, the unsubscribe token and link, mailings
sent in batches. Services in :mod:`consent.marketing.services`; docs/consent.md explains it."""
