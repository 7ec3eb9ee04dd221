"""Writes of the sync engine: ``run`` (one run of one customer's koppeling), ``schedule``
(the beat tick), ``actions`` (what the customer's buttons do) and ``digest`` (the daily
error mail). Tasks are queued by name through ``core.on_commit.after_commit``."""
