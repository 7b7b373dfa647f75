from __future__ import annotations

import asyncio
from pathlib import Path

from helpdesk.evals import Example, load_dataset, run_eval
from helpdesk.settings import Settings
from helpdesk.testing import StubChat

SAMPLE = Path(__file__).parent.parent / "evals" / "triage_sample.jsonl"


def test_load_dataset_reads_the_sample() -> None:
    examples = load_dataset(SAMPLE)
    assert len(examples) == 8
    assert examples[0] == Example("TRI-001", examples[0].input, "billing")


def test_triage_eval(stub: StubChat, settings: Settings) -> None:
    stub.script = lambda request: "billing"
    dataset = [
        Example(f"T-{i}", f"Subject: Charged twice ({i})\n\nPlease refund one.", "billing")
        for i in range(5)
    ]
    run = asyncio.run(
        run_eval(stub.client(), settings, "triage", dataset, ["mistral-small-latest"])
    )
    (stats,) = run.stats
    assert stats.answered == 5
    assert stats.accuracy == 1.0
