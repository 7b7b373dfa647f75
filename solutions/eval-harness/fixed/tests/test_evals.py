from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from helpdesk.evals import EvalRun, Example, load_dataset, run_eval, write_results
from helpdesk.settings import Settings
from helpdesk.testing import StubChat, StubReply

SAMPLE = Path(__file__).parent.parent / "evals" / "triage_sample.jsonl"
MODEL = "mistral-small-2503"


def ticket(i: int, label: str) -> Example:
    return Example(f"T-{i}", f"Subject: ticket {i}\n\nSomething about {label}.", label)


def last_user_text(request: dict[str, Any]) -> str:
    return str(request["messages"][-1]["content"])


def test_load_dataset_reads_the_sample() -> None:
    examples = load_dataset(SAMPLE)
    assert len(examples) == 8
    first = examples[0]
    assert (first.id, first.expected) == ("TRI-001", "billing")
    assert first.input.startswith("Subject: Charged twice for March\n\n")


def test_triage_accuracy_counts_every_example(stub: StubChat, settings: Settings) -> None:
    answers: dict[str, str | StubReply] = {
        "T-0": "billing",  # right
        "T-1": "Technical.",  # right: case and punctuation do not matter
        "T-2": "billing",  # wrong: the label is account
        "T-3": StubReply("acc", "length"),  # cut off: a failure, scored wrong
    }
    dataset = [ticket(0, "billing"), ticket(1, "technical"), ticket(2, "account")]
    dataset.append(ticket(3, "account"))

    def script(request: dict[str, Any]) -> str | StubReply:
        return answers["T-" + last_user_text(request).split()[2]]

    stub.script = script
    run = asyncio.run(run_eval(stub.client(), settings, "triage", dataset, [MODEL]))
    (stats,) = run.stats
    assert (stats.examples, stats.correct, stats.failed) == (4, 2, 1)
    assert stats.accuracy == 0.5
    assert [(r.example_id, r.correct, r.error is None) for r in run.results] == [
        ("T-0", True, True),
        ("T-1", True, True),
        ("T-2", False, True),
        ("T-3", False, False),
    ]


def test_few_shot_examples_do_not_come_from_the_dataset(stub: StubChat, settings: Settings) -> None:
    stub.script = lambda request: "billing"
    dataset = [ticket(i, "billing") for i in range(4)]
    asyncio.run(run_eval(stub.client(), settings, "triage", dataset, [MODEL]))
    for request in stub.requests:
        earlier = " ".join(str(m["content"]) for m in request["messages"][:-1])
        assert not any(example.input in earlier for example in dataset)


def test_faq_uses_the_judge_verdict(stub: StubChat, settings: Settings) -> None:
    def script(request: dict[str, Any]) -> str:
        if request["model"] == settings.judge_model:
            correct = "30 days" in last_user_text(request).split("Candidate answer:")[1]
            return json.dumps({"correct": correct, "reason": "compared with the reference"})
        return "Within 30 days." if "refund" in last_user_text(request) else "No idea."

    stub.script = script
    dataset = [
        Example("F-1", "How long do I have to ask for a refund?", "Within 30 days."),
        Example("F-2", "Do you offer discounts?", "Non-profits get 40% off."),
    ]
    run = asyncio.run(run_eval(stub.client(), settings, "faq", dataset, [MODEL]))
    assert [r.correct for r in run.results] == [True, False]
    assert run.stats[0].accuracy == 0.5
    judged = [r for r in stub.requests if r["model"] == settings.judge_model]
    assert len(judged) == 2
    assert all(r["response_format"]["type"] == "json_schema" for r in judged)


def test_models_share_one_reproducible_sample(stub: StubChat, settings: Settings) -> None:
    stub.script = lambda request: "billing"
    dataset = [ticket(i, "billing") for i in range(20)]
    models = [MODEL, "mistral-medium-2505"]
    first = asyncio.run(run_eval(stub.client(), settings, "triage", dataset, models, limit=5))
    second = asyncio.run(run_eval(stub.client(), settings, "triage", dataset, models, limit=5))
    assert len(first.example_ids) == 5
    assert first.example_ids == second.example_ids
    for model in models:
        ids = [r.example_id for r in first.results if r.model == model]
        assert ids == first.example_ids
    assert {(r["temperature"], r["random_seed"]) for r in stub.requests} == {(0.0, first.seed)}


def test_write_results_never_overwrites(tmp_path: Path, settings: Settings) -> None:
    run = EvalRun(task="triage", seed=1, example_ids=[], stats=[], results=[])
    out = tmp_path / "results.json"
    write_results(run, settings, SAMPLE, None, out)
    with pytest.raises(FileExistsError):
        write_results(run, settings, SAMPLE, None, out)
    assert json.loads(out.read_text(encoding="utf-8"))["seed"] == 1
