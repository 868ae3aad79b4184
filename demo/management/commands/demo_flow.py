from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.flow import FlowError, run
from kvk.status import Status


class Command(BaseCommand):
    help = "Drive one filing through the whole journey; exit 0 only when it reaches 80."

    def add_arguments(self, parser):
        parser.add_argument("--portal-url", default=settings.PORTAL_BASE_URL)
        parser.add_argument("--timeout", type=float, default=180.0)

    def handle(self, *args, **options):
        try:
            final = run(options["portal_url"], report=self.stdout.write, timeout=options["timeout"])
        except FlowError as error:
            raise CommandError(str(error))
        if final != Status.FILED:
            raise CommandError(f"De aanlevering eindigde met status {final}, niet 80.")
        self.stdout.write(self.style.SUCCESS("Gedeponeerd bij KvK."))
