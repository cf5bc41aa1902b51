from django.core.management.base import BaseCommand, CommandError

from intake.instruments.licensed import LICENSED_CODES, LicensedWordingError, configured_wording


class Command(BaseCommand):
    help = (
        "Check the clinic's licensed questionnaire wording file (settings.INSTRUMENT_WORDING_FILE) "
        "against the shape documented in intake/instruments/licensed.py."
    )

    def handle(self, *args, **options):
        try:
            wording = configured_wording()
        except LicensedWordingError as error:
            problems = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(
                f"{error.source} cannot be used; ODI, NDI and DN4 are not offered:\n{problems}"
            ) from error
        for code in LICENSED_CODES:
            self.stdout.write(f"{code}: {wording[code].version} ({len(wording[code].items)} items)")
        self.stdout.write(self.style.SUCCESS("The licensed wording file is usable."))
