"""Exactly one process posts each appointment request: two real processes sending the same
outbox at once post every request once, and a process killed mid-send leaves a claim that
expires instead of a request stuck for good (the upstream has no idempotency key)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lba_desktop.appointments import AppointmentService, RequestStatus
from lba_desktop.appointments.sender import CLAIM_LEASE
from lba_desktop.data.user_schema import SCHEMA_VERSION
from lba_desktop.people import PeopleService
from tests.fake_upstream.data import rdv_eligible_keys
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream
from tests.unit.test_appointments import Clock, fast_client, formation_item

# A sender in its own process: it opens the outbox, says it is ready, waits for the signal,
# sends everything due and prints what it sent.
SENDER = """
import json, sys, time
from pathlib import Path
from lba_desktop.appointments import AppointmentService
from lba_desktop.data.http import RetryPolicy
from lba_desktop.data.rdv_client import RdvClient

url, go = sys.argv[1], Path(sys.argv[2])
client = RdvClient(url, "test-key", timeout=(2.0, 15.0), retry=RetryPolicy(attempts=1))
with AppointmentService(client=client) as service:
    print("prêt", flush=True)
    while not go.exists():
        time.sleep(0.005)
    report = service.send_pending()
print(json.dumps({"sent": list(report.sent), "other": list(report.retry_later + report.refused)}))
"""
# A sender that takes a request and dies before posting it.
CRASHING = """
import os, sys
from datetime import datetime, UTC
from lba_desktop.appointments import AppointmentService
with AppointmentService() as service:
    assert service._claim(int(sys.argv[1]), datetime.now(UTC), due_only=True) is not None
    os._exit(9)
"""


def child(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def queue_requests(fake: FakeUpstream, count: int) -> list[int]:
    """`count` people, each with a request for the same eligible training (own e-mails, so
    the upstream's 4-day rule does not apply between them)."""
    cle = rdv_eligible_keys(fake.state)[0]
    item = formation_item(fake, cle)
    ids = []
    with PeopleService() as people, AppointmentService(people=people) as service:
        for n in range(count):
            person = people.create_person(
                first_name=f"Jeune{n}",
                last_name="Martin",
                phone="0612345678",
                email=f"jeune{n}@exemple.fr",
            )
            form = replace(service.prefill(person_id=person.id, item=item), reasons=("place",))
            ids.append(service.create_request(form).id)
    return ids


@pytest.mark.usefixtures("user_backend")  # on user.sqlite and on one PostgreSQL server
def test_two_processes_post_each_request_once(fake_upstream: FakeUpstream, tmp_path) -> None:  # noqa: F811
    ids = queue_requests(fake_upstream, 6)
    # Each post takes half a second upstream: both senders are at work at the same time.
    fake_upstream.faults.set(timeout=-1, delay=0.5, routes=["rdv_validate"])
    go = tmp_path / "partez"
    senders = [child(SENDER, fake_upstream.api_url, str(go)) for _ in range(2)]
    for sender in senders:
        assert sender.stdout is not None and sender.stdout.readline().strip() == "prêt"
    go.touch()
    reports = []
    for sender in senders:
        out, err = sender.communicate(timeout=120)
        assert sender.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))

    sent = [request_id for report in reports for request_id in report["sent"]]
    assert sorted(sent) == ids  # every request sent, none twice
    assert all(report["sent"] for report in reports)  # both processes took part
    assert fake_upstream.calls("rdv_validate") == len(ids)
    assert fake_upstream.state.appointments.count() == len(ids)
    with AppointmentService() as service:
        assert {service.get(i).status for i in ids} == {RequestStatus.ENVOYEE}
        assert all(service.get(i).attempts == 1 for i in ids)


@pytest.mark.usefixtures("user_backend")
def test_a_claim_left_by_a_killed_process_expires(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    (request_id,) = queue_requests(fake_upstream, 1)
    crashed = child(CRASHING, str(request_id))
    crashed.communicate(timeout=60)
    assert crashed.returncode == 9
    clock = Clock(datetime.now(UTC))
    with AppointmentService(client=fast_client(fake_upstream), clock=clock) as service:
        held = service.get(request_id)
        assert held.status is RequestStatus.EN_COURS
        assert "Envoi en cours" in held.status_detail_fr
        # While the claim holds, neither the sender nor « Envoyer maintenant » posts it.
        assert service.send_pending().attempted == 0
        assert service.send(request_id).status is RequestStatus.EN_COURS
        assert fake_upstream.calls("rdv_validate") == 0

        clock.advance(CLAIM_LEASE)
        assert service.send_pending().sent == (request_id,)
        assert service.send_pending().attempted == 0
        done = service.get(request_id)
    assert done.status is RequestStatus.ENVOYEE and done.attempts == 2
    assert fake_upstream.calls("rdv_validate") == 1
    assert not Path(os.environ["LBA_DESKTOP_HOME"], "user.sqlite-journal").exists()


V5_COLUMNS = {
    "people": ("version", "updated_by", "updated_at", "created_by", "case_number"),
    "shortlist_items": ("version", "updated_by"),
}


def test_an_old_outbox_is_migrated_with_its_requests(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    import sqlite3

    (request_id,) = queue_requests(fake_upstream, 1)
    path = Path(os.environ["LBA_DESKTOP_HOME"], "user.sqlite")
    conn = sqlite3.connect(path)
    # Back to version 3: without what versions 4 (claims) and 5 (shared follow-up) added.
    conn.execute("DROP TABLE journal_events")
    conn.execute("DROP TABLE person_news")  # version 7 (profiles, what's new)
    conn.execute("DROP TABLE person_profiles")
    for table, columns in V5_COLUMNS.items():
        for column in columns:
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute("ALTER TABLE appointment_requests DROP COLUMN claimed_by")
    conn.execute("ALTER TABLE appointment_requests DROP COLUMN claim_expires_at")
    conn.execute("ALTER TABLE shortlist_items DROP COLUMN handi_friendly")  # version 8's
    conn.execute("DROP INDEX shortlist_pairs")  # version 9's parcours
    conn.execute("ALTER TABLE shortlist_items DROP COLUMN paired_training_entry_id")
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    with AppointmentService(client=fast_client(fake_upstream)) as service:
        assert service.get(request_id).status is RequestStatus.A_ENVOYER
        assert service.send_pending().sent == (request_id,)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT claimed_by FROM appointment_requests").fetchone() == ("",)
    conn.close()
