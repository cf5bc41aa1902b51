#!/usr/bin/env python
"""Local settings by default, for a developer; they refuse to start on a production host
(clinic/settings/local.py), so an operator must name clinic.settings.production."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
