"""Merge the console's strings (babel.cfg) into the Korean catalogue (scripts/messages)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "src/sotong/web/locale/ko/LC_MESSAGES/console.po"
HEADER = (
    "# Korean translations of the Sotong console.\n"
    "# Distributed under the same licence as Sotong (Apache-2.0).\n#"
)


def main() -> int:
    method_map, options_map = parse_mapping_cfg(io.StringIO((ROOT / "babel.cfg").read_text()))
    with CATALOGUE.open("rb") as source:
        current = read_po(source, locale="ko")
    updated = Catalog(
        locale="ko",
        domain="console",
        project="Sotong",
        version="",
        msgid_bugs_address="",
        last_translator="Sotong contributors",
        language_team="Korean",
        charset="utf-8",
        fuzzy=False,
        header_comment=HEADER,
        creation_date=current.creation_date,
        revision_date=current.revision_date,
    )
    for _, _, message, comments, _ in extract_from_dir(ROOT, method_map, options_map):
        message_id = message if isinstance(message, str) else message[0]
        known = current.get(message_id)
        updated.add(message_id, known.string if known else "", auto_comments=comments)
    with CATALOGUE.open("wb") as target:
        write_po(target, updated, width=100, no_location=True, sort_output=True)
    untranslated = [message.id for message in updated if message.id and not message.string]
    for message_id in untranslated:
        print(f"needs a translation: {message_id}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
