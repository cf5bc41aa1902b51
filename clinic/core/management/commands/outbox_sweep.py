import time

from django.core.management.base import BaseCommand

from clinic.core.emails import outbox_sweep


class Command(BaseCommand):
    help = "Queue due and stuck outbox emails once, or every N seconds with --every (no-Redis first run)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds.")

    def handle(self, *args, every: int, **options):
        while True:
            queued = outbox_sweep()
            if queued:
                self.stdout.write(f"Queued {queued} outbox email(s).")
            if not every:
                return
            time.sleep(every)
