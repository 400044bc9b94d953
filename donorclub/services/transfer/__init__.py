"""Getting a club's history in and out: CSV and Excel import (dry run, then one transaction)
and export of members, donations, deferrals, referrals and volunteer hours."""
from .columns import TABLES
from .exporting import export_club, template_file
from .importing import MAX_UPLOAD_BYTES, FileTooLarge, ImportReport, import_file

__all__ = ["MAX_UPLOAD_BYTES", "TABLES", "FileTooLarge", "ImportReport", "export_club",
           "import_file", "template_file"]
