"""The real corpus (gov.cn State Council documents, 2018-2019) against a golden file.

Per document: 文号, 成文日期, cites and repeals as the whole file parses them (with the gov.cn
metadata table), and 文号 and 成文日期 from the body alone (the printed document only).
Each value was checked by reading the document: every body date equals its 成文日期 label;
no body names another document by 文号, so cites and repeals are empty (国令第707号's history
note names 国务院令第142号 and amending decisions by title only, which the parser does not
count as cites). Regenerate only on purpose, then read the diff against the text:
CHENGQU_UPDATE_GOLDEN=1 pytest tests/chengqu/gazette
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from chengqu.gazette import DocRef, parse_issue

FIXTURE = Path(__file__).parent / "fixtures" / "state-council-2018-2019.txt"
GOLDEN = Path(__file__).parent / "golden" / "corpus-state-council-2018-2019.json"


def _refs(refs: tuple[DocRef, ...]) -> list[dict[str, Any]]:
    return [{"number": r.number, "title": r.title, "line": r.line} for r in refs]


def render() -> dict[str, Any]:
    text = FIXTURE.read_text(encoding="utf-8")
    whole = parse_issue(text)
    bodies = [chunk.split("-----\n", 1)[1] for chunk in text.split("=====\n")[1:]]
    documents = []
    for doc, body in zip(whole.documents, bodies, strict=True):
        alone = parse_issue(body)
        (own,) = alone.documents
        documents.append(
            {
                "number": doc.number,
                "signed_date": doc.signed_date.isoformat() if doc.signed_date else None,
                "cites": _refs(doc.cites),
                "repeals": _refs(doc.repeals),
                "body_number": own.number,
                "body_signed_date": own.signed_date.isoformat() if own.signed_date else None,
                "body_warnings": [w.code for w in alone.warnings],
            }
        )
    return {"documents": documents, "warnings": [w.code for w in whole.warnings]}


def test_corpus_matches_golden_file() -> None:
    text = json.dumps(render(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("CHENGQU_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), (
        "golden file missing: run with CHENGQU_UPDATE_GOLDEN=1 once and review it"
    )
    assert json.loads(GOLDEN.read_text(encoding="utf-8")) == json.loads(text)
