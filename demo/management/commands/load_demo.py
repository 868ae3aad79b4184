from django.conf import settings
from django.core.management.base import BaseCommand

from demo import setup


class Command(BaseCommand):
    help = "Load the demo accountancy environment, clients, tokens and annual reports."

    def add_arguments(self, parser):
        parser.add_argument("--portal-url", default=settings.PORTAL_BASE_URL)

    def handle(self, *args, **options):
        for line in setup.load(options["portal_url"]):
            self.stdout.write(line)
