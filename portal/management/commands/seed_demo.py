from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import profile_for

DEMO_USERS = [
    # username, e-mail, password, staff
    ("beheer", "beheer@example.com", "demo-beheer-wachtwoord", True),
    ("klant", "klant@example.com", "demo-klant-wachtwoord", False),
]


class Command(BaseCommand):
    help = "Development only: create a staff user and a customer with known passwords (safe to run again)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs in development (DJANGO_DEBUG=1).")
        User = get_user_model()
        with transaction.atomic():
            for username, email, password, staff in DEMO_USERS:
                user, created = User.objects.get_or_create(
                    username=username, defaults={"email": email, "is_staff": staff, "is_superuser": staff}
                )
                if created:
                    user.set_password(password)
                    user.save()
                    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
                    profile = profile_for(user)
                    if not staff:  # a name and address, so the demo customer can subscribe
                        profile.full_name, profile.company_name = "Demi Klant", "Demo Webshop B.V."
                        profile.street, profile.postal_code, profile.city = "Stationsplein 1", "5611AB", "Eindhoven"
                        profile.save()
            from portal.demo import seed_more

            seed_more(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo accounts (development only):"))
        for username, _email, password, staff in DEMO_USERS:
            role = "staff: set up TOTP through the link `manage.py mfa_invite beheer` prints" if staff else "customer"
            self.stdout.write(f"  {username} / {password}  ({role})")
        self.stdout.write("Open http://127.0.0.1:8000/")
