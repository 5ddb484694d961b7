"""What the input-hygiene check costs: the middleware on a form and on a JSON body, the .csv byte
scan of a batch upload, and the length check a save runs.

Prints figures; asserts nothing. Run: .venv/bin/python bench/input_hygiene.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from urllib.parse import urlencode


def _per_call(label: str, call: Callable[[], object], repeat: int) -> None:
    call()  # warm
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    elapsed = (time.perf_counter() - start) / repeat
    print(f"  {label:<58} {elapsed * 1e6:>10.1f} µs")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.config.settings")
    import django

    django.setup()
    from django.test import RequestFactory

    from portal.command.models import Incident
    from portal.core import hygiene
    from portal.core.middleware import InputHygieneMiddleware
    from portal.incentives.views import calculator

    print(f"Python {sys.version.split()[0]}, one core, figures per call", flush=True)
    middleware = InputHygieneMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    factory = RequestFactory()
    form = {f"field_{i}": "北石店镇北山发生森林火灾, 已组织扑救。" * 3 for i in range(30)}
    body = urlencode(form)

    parsed = factory.post(
        "/command/incidents/new/", body, content_type="application/x-www-form-urlencoded"
    )
    assert parsed.POST  # parsed once, as CSRF does: what is timed is the check alone

    _per_call(
        "form, 30 fields of ~60 characters: the check",
        lambda: middleware.process_view(parsed, calculator, (), {}),
        20_000,
    )

    items = [
        {"name": f"城区企业{i}有限公司", "place": "北石店镇", "amounts": [1, 2, 3]}
        for i in range(10_000)
    ]
    payload = json.dumps({"items": items}, ensure_ascii=False)
    print(f"  (JSON body: {len(payload.encode()) / 1e6:.1f} MB, {len(items):,} objects)")

    def json_post() -> object:
        request = factory.post(
            "/api/v1/command/incidents", payload, content_type="application/json"
        )
        return middleware.process_view(request, calculator, (), {})

    _per_call("JSON body above, clean: the check (one scan of the text)", json_post, 10)

    suspect = payload.replace("城区企业9999有限公司", "城区企业9999\\u0001有限公司")

    def json_post_suspect() -> object:
        request = factory.post(
            "/api/v1/command/incidents", suspect, content_type="application/json"
        )
        return middleware.process_view(request, calculator, (), {})

    _per_call("JSON body above, one \\u0001 at its end: parse and walk", json_post_suspect, 10)
    _per_call(
        "JSON body above: json.loads alone (what the API does too)", lambda: json.loads(payload), 10
    )

    csv = (
        "企业标识,企业名称,一季度完成投资额(元)\n"
        + "".join(f"E{i},城区企业{i}有限公司,60000000\n" for i in range(100_000))
    ).encode()
    print(f"  (batch .csv: {len(csv) / 1e6:.1f} MB, 100,000 rows)")
    _per_call(
        "check_csv_bytes on the .csv above",
        lambda: hygiene.check_csv_bytes(csv, file_name="名单.csv"),
        20,
    )

    incident = Incident(incident_type="森林火灾", place="北石店镇北山", description="已组织扑救")
    _per_call(
        "check_lengths of one Incident (what each save adds)",
        lambda: hygiene.check_lengths(incident),
        20_000,
    )


if __name__ == "__main__":
    main()
