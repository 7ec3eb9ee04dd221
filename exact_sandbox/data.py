"""The made-up Exact Online world of the sandbox: users, administrations and their lists."""

from __future__ import annotations

USERS: dict[str, dict] = {
    "demo": {
        "id": "0c6a5bd8-9d5a-4f0e-a1c2-000000000001",
        "username": "demo@voorbeeld.nl",
        "full_name": "Demi Demo",
        "current": 1001,
        "divisions": [1001, 1002],
    },
    "boekhouder": {
        "id": "0c6a5bd8-9d5a-4f0e-a1c2-000000000002",
        "username": "boekhouder@voorbeeld.nl",
        "full_name": "Bram Boekhouder",
        "current": 1003,
        "divisions": [1003, 1001],
    },
}

DIVISIONS: dict[int, str] = {
    1001: "Demo Webshop B.V.",
    1002: "Demo Holding B.V.",
    1003: "Voorbeeld Administratiekantoor",
}

# (code, description, type): 20 = sales journal, 22 = purchase, 10 = cash, 12 = bank.
JOURNALS = [
    ("70", "Verkoopboek", 20),
    ("71", "Verkoopboek webshop", 20),
    ("10", "Kas", 10),
    ("20", "Bank", 12),
    ("60", "Inkoopboek", 22),
]

VAT_CODES = [
    ("1", "BTW hoog 21%", 0.21),
    ("2", "BTW laag 9%", 0.09),
    ("0", "Geen BTW", 0.0),
    ("3", "BTW 0% (vrijgesteld)", 0.0),
    ("5", "BTW verlegd", 0.0),
]

# More than one page of 60, so clients must follow __next.
GL_ACCOUNTS = [(str(8000 + n), f"Omzet {n + 1}") for n in range(75)]
