"""Send a staff member the single-use link to set up his second factor, from the command
line: for the first admin, whom no admin can invite in the admin yet."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import services


class Command(BaseCommand):
    help = "Mail a staff member the single-use MFA invitation link (and print it)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        member = get_user_model().objects.filter(username=username).first()
        if member is None:
            raise CommandError(f"No user {username!r}.")
        try:
            link = services.mfa_invitation_send(staff_member=member, by=None)
        except services.InvitationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(link)
