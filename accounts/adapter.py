from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from portal.client_ip import resolve_client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # The same resolver axes and the audit trail use (see portal.client_ip).
        return resolve_client_ip(request) or "0.0.0.0"  # noqa: S104 (a key, not a bind address)
