"""New-cargo alerts wait behind response traffic: a dispatcher must not get a driver's response
after hundreds of alerts, and each lane keeps its own order."""

from __future__ import annotations

from services.dispatch.outbox import Outbox, new_message
from services.infra.tables import engine_for


async def test_a_response_overtakes_queued_cargo_alerts_and_each_lane_keeps_its_order(tmp_path):
    outbox = Outbox(engine_for(f"sqlite:///{tmp_path}/outbox.db"))
    for n in range(3):
        await outbox.enqueue(new_message("cargo_alert", 0, 1000 + n, f"груз {n}", []))
    await outbox.enqueue(new_message("dispatcher", 7, -100, "отклик", []))
    await outbox.enqueue(new_message("driver", 7, 1000, "принят", []))

    order = []
    while (claimed := await outbox.claim_next()) is not None:
        order.append(claimed.text)
        await outbox.mark_sent(claimed.id, 1)
    assert order == ["отклик", "принят", "груз 0", "груз 1", "груз 2"]
