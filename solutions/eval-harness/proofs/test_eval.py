"""Proofs for the `eval-harness` exercise (model comparison evals).

Each test runs the tree's real code (PR or fixed) with the real mistralai SDK against the
in-process fake Mistral API (`fake_mistral`). The fake's replies are scripted with
`on_chat`, so the true score of every run is known in advance: a scripted model that
answers every label right must score 100%, a judge that rejects an answer must make it
count as wrong, and so on. Each test fails on the PR and passes on the fix.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from checker.fakeapi import FakeMistral, Reply

MODEL = "mistral-small-latest"
OTHER_MODEL = "ministral-8b-latest"
LABELS = ("billing", "technical", "account", "shipping")


# --- helpers ------------------------------------------------------------------------


def make_settings(**overrides: Any) -> Any:
    """The tree's settings from the environment (MISTRAL_API_KEY is set by the fixture)."""
    from helpdesk.settings import load_settings

    values: dict[str, Any] = {"retry_initial_ms": 10, "max_concurrency": 4}
    values.update(overrides)
    return dataclasses.replace(load_settings(), **values)


def tickets(count: int) -> list[Any]:
    """COUNT triage examples with distinct texts; labels cycle through LABELS."""
    from helpdesk.evals import Example

    return [
        Example(
            f"T-{i}",
            f"Subject: ticket {i}\n\nCustomer message number {i} about {LABELS[i % 4]}.",
            LABELS[i % 4],
        )
        for i in range(count)
    ]


def questions(count: int) -> list[Any]:
    """COUNT faq examples: a policy excerpt and a question, with a reference answer."""
    from helpdesk.evals import Example

    return [
        Example(
            f"F-{i}",
            f"Policy: refunds within 30 days (rule {i}).\n\nQuestion {i}: can I get a refund?",
            f"Yes, within 30 days (rule {i}).",
        )
        for i in range(count)
    ]


def evaluate(
    task: str,
    dataset: list[Any],
    models: list[str],
    settings: Any = None,
    limit: int | None = None,
) -> Any:
    """The tree's run_eval with a client from the codebase's make_client."""
    from helpdesk.evals import run_eval
    from helpdesk.llm import make_client

    settings = settings or make_settings()

    async def go() -> Any:
        async with make_client(settings) as client:
            return await run_eval(client, settings, task, dataset, models, limit)

    return asyncio.run(go())


def last_user_text(body: dict[str, Any]) -> str:
    return str(body["messages"][-1]["content"])


def is_judge(body: dict[str, Any]) -> bool:
    return str(body["messages"][0]["content"]).startswith("You grade")


def verdict(body: dict[str, Any], correct: bool) -> str:
    """The judge's verdict in the format it was asked for (JSON schema or free text)."""
    if body.get("response_format"):
        return json.dumps({"correct": correct, "reason": "compared with the reference"})
    if correct:
        return "CORRECT - the candidate gives the same facts as the reference."
    return "INCORRECT - the candidate misses the 30-day limit of the reference."


def scripted(
    answer: Callable[[dict[str, Any]], str | Reply],
    judge: Callable[[dict[str, Any]], bool] = lambda body: True,
) -> Callable[[dict[str, Any]], str | Reply]:
    """A fake that answers candidates with ANSWER(body) and judges with JUDGE(body)."""

    def reply(body: dict[str, Any]) -> str | Reply:
        return verdict(body, judge(body)) if is_judge(body) else answer(body)

    return reply


def right_label(dataset: list[Any]) -> Callable[[dict[str, Any]], str]:
    """A candidate that answers every ticket with its exact label."""
    labels = {example.input: example.expected for example in dataset}
    return lambda body: labels[last_user_text(body)]


@pytest.fixture(scope="module", autouse=True)
def warm_up_sdk() -> None:
    """Pay the SDK's first-use cost (lazy imports) outside the timed proofs."""
    from mistralai.client import Mistral

    async def one_request() -> None:
        async with Mistral(api_key="warm-up") as client:
            await client.chat.complete_async(
                model=MODEL, messages=[{"role": "user", "content": "hi"}]
            )

    with FakeMistral().mount():
        asyncio.run(one_request())


def run_tree_tests(tree: Path) -> int:
    """Run the tree's tests/test_evals.py in this process."""
    return int(
        pytest.main(
            [
                str(tree / "tests" / "test_evals.py"),
                "-q",
                "-p",
                "no:cacheprovider",
                "--import-mode=importlib",
                f"--rootdir={tree}",
                "-c",
                str(tree / "pyproject.toml"),
            ]
        )
    )


# --- async --------------------------------------------------------------------------


@pytest.mark.issue("lost-update-across-await")
def test_every_judged_answer_is_counted(fake_mistral: FakeMistral) -> None:
    dataset = questions(8)
    fake_mistral.faults.latency = 0.02
    fake_mistral.on_chat(scripted(lambda body: "Yes, within 30 days."))  # judge: all right
    (stats,) = evaluate("faq", dataset, [MODEL]).stats
    assert stats.correct == 8 and stats.accuracy == 1.0, (
        f"the judge accepted all 8 answers, the summary counts {stats.correct} correct "
        f"({stats.accuracy:.0%})"
    )


@pytest.mark.issue("concurrency-cap-per-model")
def test_one_concurrency_cap_for_all_models_and_the_judge(fake_mistral: FakeMistral) -> None:
    fake_mistral.faults.latency = 0.1
    dataset = tickets(4)
    fake_mistral.on_chat(scripted(right_label(dataset)))
    evaluate("triage", dataset, [MODEL, OTHER_MODEL], make_settings(max_concurrency=2))
    models_peak = fake_mistral.peak_in_flight

    fake_mistral.reset()
    fake_mistral.faults.latency = 0.05
    fake_mistral.on_chat(scripted(lambda body: "Yes, within 30 days."))
    evaluate("faq", questions(4), [MODEL], make_settings(max_concurrency=1))
    judge_peak = fake_mistral.peak_in_flight

    assert (models_peak, judge_peak) == (2, 1), (
        f"{models_peak} requests in flight for 2 models with HELPDESK_MAX_CONCURRENCY=2, "
        f"{judge_peak} with answers and judge calls and HELPDESK_MAX_CONCURRENCY=1"
    )


# --- correctness: metrics -------------------------------------------------------------


@pytest.mark.issue("failures-dropped-from-accuracy")
def test_failed_requests_count_against_accuracy(fake_mistral: FakeMistral) -> None:
    dataset = tickets(10)
    fake_mistral.on_chat(scripted(right_label(dataset)))
    fake_mistral.faults.fail_every = 5  # requests 5 and 10 are rejected (400, not retried)
    fake_mistral.faults.fail_status = 400
    (stats,) = evaluate("triage", dataset, [MODEL]).stats
    failed = sum(r.status == 400 for r in fake_mistral.chat_requests)
    assert failed == 2
    assert stats.accuracy == pytest.approx(0.8), (
        f"8 of 10 examples answered right and 2 requests failed, reported {stats.accuracy:.0%}"
    )


@pytest.mark.issue("judge-substring-verdict")
def test_an_incorrect_verdict_counts_as_wrong(fake_mistral: FakeMistral) -> None:
    fake_mistral.on_chat(scripted(lambda body: "Yes, any time.", judge=lambda body: False))
    run = evaluate("faq", questions(1), [MODEL])
    (stats,) = run.stats
    assert stats.accuracy == 0.0, (
        f"the judge said INCORRECT, the answer is scored {stats.accuracy:.0%} right"
    )


@pytest.mark.issue("few-shot-from-test-set")
def test_few_shot_examples_do_not_give_away_answers(fake_mistral: FakeMistral) -> None:
    def memoriser(body: dict[str, Any]) -> str:
        """A model that knows nothing: it copies a label only if it saw the same ticket."""
        messages = body["messages"]
        for shown, label in pairwise(messages[:-1]):
            if shown["role"] == "user" and shown["content"] == last_user_text(body):
                return str(label["content"])
        return "other"

    fake_mistral.on_chat(scripted(memoriser))
    (stats,) = evaluate("triage", tickets(6), [MODEL]).stats
    assert stats.accuracy == 0.0, (
        f"a model that only copies labels from its prompt scores {stats.accuracy:.0%}"
    )


@pytest.mark.issue("exact-match-not-normalised")
def test_label_formatting_does_not_make_an_answer_wrong(fake_mistral: FakeMistral) -> None:
    dataset = tickets(4)
    labels = right_label(dataset)
    fake_mistral.on_chat(scripted(lambda body: labels(body).capitalize() + "."))  # "Billing."
    (stats,) = evaluate("triage", dataset, [MODEL]).stats
    assert stats.accuracy == 1.0, (
        f"every answer names the right category ('Billing.'), scored {stats.accuracy:.0%}"
    )


@pytest.mark.issue("subset-per-model")
def test_models_are_compared_on_the_same_reproducible_sample(
    fake_mistral: FakeMistral,
) -> None:
    random.seed(1)  # makes the PR's unseeded draws deterministic; the fix has its own seed
    dataset = tickets(20)
    fake_mistral.on_chat(scripted(right_label(dataset)))

    def sample_ids() -> dict[str, list[str]]:
        run = evaluate("triage", dataset, [MODEL, OTHER_MODEL], limit=5)
        return {
            m: sorted(r.example_id for r in run.results if r.model == m)
            for m in (MODEL, OTHER_MODEL)
        }

    first, second = sample_ids(), sample_ids()
    assert len(first[MODEL]) == 5
    assert first[MODEL] == first[OTHER_MODEL], (
        f"the two models answered different examples: {first}"
    )
    assert first == second, f"two runs with --limit 5 drew different examples: {first} {second}"


# --- api usage ----------------------------------------------------------------------


@pytest.mark.issue("sampling-not-pinned")
def test_every_request_pins_temperature_and_seed(fake_mistral: FakeMistral) -> None:
    fake_mistral.on_chat(scripted(lambda body: "Yes, within 30 days."))
    evaluate("faq", questions(2), [MODEL, OTHER_MODEL])
    sampling = {
        (r.body.get("temperature"), r.body.get("random_seed")) for r in fake_mistral.chat_requests
    }
    assert len(fake_mistral.chat_requests) == 8
    pinned = len(sampling) == 1 and None not in next(iter(sampling))
    assert pinned, (
        "answers and verdicts are not sampled with one explicit temperature and random_seed: "
        f"(temperature, random_seed) sent = {sorted(map(str, sampling))}"
    )


LONG_ANSWER = "Yes, within 30 days. " + " ".join(["Our refund policy says more."] * 100)


@pytest.mark.issue("reply-not-checked")
def test_a_cut_off_answer_is_not_scored_as_an_answer(fake_mistral: FakeMistral) -> None:
    fake_mistral.on_chat(scripted(lambda body: LONG_ANSWER))  # the fake cuts it at max_tokens
    (stats,) = evaluate("faq", questions(1), [MODEL]).stats
    cut = fake_mistral.chat_requests[0]
    assert cut.status == 200
    assert stats.accuracy == 0.0, (
        "an answer cut off by max_tokens (finish_reason 'length') was judged and counted right"
    )


@pytest.mark.issue("output-tokens-from-total")
def test_output_tokens_are_the_completion_tokens(fake_mistral: FakeMistral) -> None:
    dataset = tickets(3)
    fake_mistral.on_chat(scripted(right_label(dataset)))  # a one-token label each time
    (stats,) = evaluate("triage", dataset, [MODEL]).stats
    assert stats.completion_tokens == 3, (
        f"3 one-token answers reported as {stats.completion_tokens} output tokens"
    )


@pytest.mark.issue("results-lack-verdict")
def test_the_results_file_says_which_answers_were_right(
    fake_mistral: FakeMistral, tmp_path: Path
) -> None:
    from helpdesk.evals import main

    dataset = questions(2)
    data = tmp_path / "faq.jsonl"
    data.write_text(
        "".join(json.dumps(dataclasses.asdict(example)) + "\n" for example in dataset),
        encoding="utf-8",
    )
    answers = {dataset[0].input: "Yes, within 30 days.", dataset[1].input: "No idea, sorry."}
    fake_mistral.on_chat(
        scripted(
            lambda body: answers[last_user_text(body)],
            judge=lambda body: "30 days" in last_user_text(body).split("Candidate answer:")[1],
        )
    )
    out = tmp_path / "results.json"
    main(["faq", str(data), "--models", MODEL, "-o", str(out)])
    rows = json.loads(out.read_text(encoding="utf-8"))["results"]
    outcome = {row["example_id"]: row.get("correct") for row in rows}
    assert outcome == {"F-0": True, "F-1": False}, (
        f"the judge accepted F-0 and rejected F-1; the results file says {outcome} "
        f"(fields of a row: {sorted(rows[0]) if rows else []})"
    )


# --- testing ------------------------------------------------------------------------


@pytest.mark.issue("tests-cannot-fail")
def test_the_unit_tests_catch_a_scorer_that_accepts_everything(
    fake_mistral: FakeMistral, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpdesk import evals

    async def always_right(*args: Any, **kwargs: Any) -> bool:
        return True

    broken = dataclasses.replace(evals.TASKS["triage"], score=always_right)
    monkeypatch.setitem(evals.TASKS, "triage", broken)
    assert run_tree_tests(tree) == pytest.ExitCode.TESTS_FAILED, (
        "tests/test_evals.py still passes when triage scores every answer as right"
    )
