"""Offline evals: run a labelled dataset through several models and compare the scores.

Usage:
    python -m helpdesk.evals triage evals/triage.jsonl
    python -m helpdesk.evals faq evals/faq.jsonl --models mistral-small-2503 --limit 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx2
from mistralai.client import Mistral
from mistralai.client.errors import MistralError, NoResponseError
from mistralai.client.models import (
    AssistantMessage,
    JSONSchema,
    ResponseFormat,
    SystemMessage,
    UserMessage,
)

from helpdesk.llm import ReplyError, make_client, reply_text
from helpdesk.logs import setup_logging
from helpdesk.settings import Settings, load_settings

logger = logging.getLogger(__name__)

# Dated versions, not "-latest" aliases: an alias moves to a new model without notice.
DEFAULT_MODELS = ("mistral-small-2503", "mistral-medium-2505")
DEFAULT_SEED = 20240601
TEMPERATURE = 0.0
ANSWER_MAX_TOKENS = 300
JUDGE_MAX_TOKENS = 200

TRIAGE_PROMPT = (
    "You route Tidewater support tickets. Classify the ticket into exactly one category: "
    "billing, technical, account, shipping or other. Answer with the category only."
)
# Hand-written, and not part of any dataset: an example the model sees with its label
# in the prompt must never be scored.
TRIAGE_SHOTS = (
    (
        "Subject: Discount code not applied\n\nThe annual plan still shows the full price.",
        "billing",
    ),
    (
        "Subject: App crashes on start\n\nSince the update the Android app closes at once.",
        "technical",
    ),
    ("Subject: Change login email\n\nI need to move my account to my new work address.", "account"),
)
FAQ_PROMPT = (
    "You are a Tidewater support agent. Answer the customer's question in at most three "
    "sentences, using only the policy excerpt that comes with it."
)
JUDGE_PROMPT = (
    "You grade the answers of a support assistant. Compare the candidate answer with the "
    "reference answer. Answer in JSON: `correct` is true if the candidate gives the same "
    "facts as the reference and false otherwise, `reason` is one sentence explaining why."
)
VERDICT_FORMAT = ResponseFormat(
    type="json_schema",
    json_schema=JSONSchema(
        name="verdict",
        schema_definition={
            "type": "object",
            "properties": {"correct": {"type": "boolean"}, "reason": {"type": "string"}},
            "required": ["correct", "reason"],
            "additionalProperties": False,
        },
        strict=True,
    ),
)


class JudgeError(Exception):
    """The judge answered, but not with a verdict we can read."""


# What makes one example fail without stopping the run; it is recorded and scored wrong.
ExampleFailure = (MistralError, NoResponseError, httpx2.HTTPError, ReplyError, JudgeError)


@dataclass(frozen=True)
class Example:
    id: str
    input: str
    expected: str


@dataclass(frozen=True)
class Result:
    model: str
    example_id: str
    answer: str | None
    expected: str
    correct: bool
    error: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class ModelStats:
    model: str
    examples: int
    correct: int
    failed: int
    prompt_tokens: int
    completion_tokens: int

    @property
    def accuracy(self) -> float:
        """Correct answers over all examples: a failed example counts as a wrong answer."""
        return self.correct / self.examples if self.examples else 0.0

    @classmethod
    def of(cls, model: str, results: Sequence[Result]) -> ModelStats:
        return cls(
            model=model,
            examples=len(results),
            correct=sum(r.correct for r in results),
            failed=sum(r.error is not None for r in results),
            prompt_tokens=sum(r.prompt_tokens for r in results),
            completion_tokens=sum(r.completion_tokens for r in results),
        )


@dataclass(frozen=True)
class EvalRun:
    task: str
    seed: int
    example_ids: list[str]
    stats: list[ModelStats]
    results: list[Result]


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int


Message = SystemMessage | UserMessage | AssistantMessage


class Completer:
    """Chat requests with the run's sampling settings, at most `max_concurrency` in flight.

    Every request of the run (answers and judge verdicts, for all models) goes through
    the same semaphore, so the run stays within HELPDESK_MAX_CONCURRENCY.
    """

    def __init__(self, client: Mistral, settings: Settings, seed: int) -> None:
        self.client = client
        self.seed = seed
        self._semaphore = asyncio.Semaphore(settings.max_concurrency)

    async def complete(
        self,
        model: str,
        messages: Sequence[Message],
        max_tokens: int,
        response_format: ResponseFormat | None = None,
    ) -> Completion:
        """The reply's text (ReplyError if it was cut off or empty) and its token usage."""
        async with self._semaphore:
            response = await self.client.chat.complete_async(
                model=model,
                messages=list(messages),
                max_tokens=max_tokens,
                temperature=TEMPERATURE,
                random_seed=self.seed,
                response_format=response_format,
            )
        usage = response.usage
        return Completion(
            reply_text(response), usage.prompt_tokens or 0, usage.completion_tokens or 0
        )


Scorer = Callable[[Completer, Settings, Example, str], Awaitable[bool]]


def normalise(label: str) -> str:
    """A label without case, surrounding whitespace, quotes or trailing punctuation."""
    return label.strip().strip("\"'`*.!").strip().casefold()


def judge_messages(example: Example, answer: str) -> list[Message]:
    return [
        SystemMessage(content=JUDGE_PROMPT),
        UserMessage(
            content=f"Question:\n{example.input}\n\n"
            f"Reference answer:\n{example.expected}\n\n"
            f"Candidate answer:\n{answer}"
        ),
    ]


async def exact_match(
    completer: Completer, settings: Settings, example: Example, answer: str
) -> bool:
    return normalise(answer) == normalise(example.expected)


async def judge(completer: Completer, settings: Settings, example: Example, answer: str) -> bool:
    """Ask the judge model whether ANSWER gives the same facts as the reference answer."""
    reply = await completer.complete(
        settings.judge_model, judge_messages(example, answer), JUDGE_MAX_TOKENS, VERDICT_FORMAT
    )
    try:
        verdict = json.loads(reply.text)
    except ValueError:
        raise JudgeError(f"the verdict is not JSON: {reply.text[:80]!r}") from None
    correct = verdict.get("correct") if isinstance(verdict, dict) else None
    if not isinstance(correct, bool):
        raise JudgeError(f"the verdict has no boolean 'correct': {reply.text[:80]!r}")
    return correct


@dataclass(frozen=True)
class Task:
    system_prompt: str
    score: Scorer
    shots: tuple[tuple[str, str], ...] = ()


TASKS = {
    "triage": Task(TRIAGE_PROMPT, exact_match, shots=TRIAGE_SHOTS),
    "faq": Task(FAQ_PROMPT, judge),
}


def load_dataset(path: Path) -> list[Example]:
    """The examples of a JSONL file with `id`, `input` and `expected` on every line."""
    examples: list[Example] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                examples.append(Example(str(row["id"]), str(row["input"]), str(row["expected"])))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}:{number}: bad example: {exc}") from exc
    return examples


def pick_examples(dataset: Sequence[Example], limit: int | None, seed: int) -> list[Example]:
    """All of DATASET, or a sample of LIMIT examples drawn with SEED (the same every run)."""
    if limit is None or limit >= len(dataset):
        return list(dataset)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    return random.Random(seed).sample(list(dataset), limit)


def build_messages(task: Task, example: Example) -> list[Message]:
    messages: list[Message] = [SystemMessage(content=task.system_prompt)]
    # A few labelled examples show the model the expected answer format.
    for ticket, label in task.shots:
        messages.append(UserMessage(content=ticket))
        messages.append(AssistantMessage(content=label))
    messages.append(UserMessage(content=example.input))
    return messages


class Progress:
    """Logs how many answers are in, every `every` answers."""

    def __init__(self, total: int, every: int = 25) -> None:
        self.total = total
        self.every = every
        self.done = 0

    def tick(self) -> None:
        self.done += 1
        if self.done % self.every == 0 or self.done == self.total:
            logger.info("%d/%d answers scored", self.done, self.total)


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


async def evaluate_example(
    completer: Completer, settings: Settings, task: Task, model: str, example: Example
) -> Result:
    """MODEL's answer to EXAMPLE and its score; a failure is recorded as a wrong answer."""
    try:
        reply = await completer.complete(model, build_messages(task, example), ANSWER_MAX_TOKENS)
    except ExampleFailure as exc:
        logger.warning("No answer from %s for %s: %s", model, example.id, describe(exc))
        return Result(model, example.id, None, example.expected, False, f"answer: {describe(exc)}")
    error: str | None = None
    try:
        correct = await task.score(completer, settings, example, reply.text)
    except ExampleFailure as exc:
        logger.warning("Could not score %s on %s: %s", model, example.id, describe(exc))
        correct, error = False, f"score: {describe(exc)}"
    return Result(
        model,
        example.id,
        reply.text,
        example.expected,
        correct,
        error,
        reply.prompt_tokens,
        reply.completion_tokens,
    )


async def run_eval(
    client: Mistral,
    settings: Settings,
    task_name: str,
    dataset: list[Example],
    models: Sequence[str] = DEFAULT_MODELS,
    limit: int | None = None,
    seed: int = DEFAULT_SEED,
) -> EvalRun:
    """Evaluate every model of MODELS on the same examples: DATASET or a seeded sample."""
    task = TASKS[task_name]
    examples = pick_examples(dataset, limit, seed)
    completer = Completer(client, settings, seed)
    progress = Progress(len(models) * len(examples))

    async def scored(model: str, example: Example) -> Result:
        result = await evaluate_example(completer, settings, task, model, example)
        progress.tick()
        return result

    # gather keeps the order of its arguments: model by model, in example order.
    results = await asyncio.gather(*(scored(m, e) for m in models for e in examples))
    return EvalRun(
        task=task_name,
        seed=seed,
        example_ids=[e.id for e in examples],
        stats=[ModelStats.of(m, [r for r in results if r.model == m]) for m in models],
        results=list(results),
    )


def summary_table(run: EvalRun) -> str:
    header = f"{'model':<28} {'accuracy':>8} {'failed':>6} {'prompt tok':>10} {'output tok':>10}"
    lines = [header]
    for s in sorted(run.stats, key=lambda s: s.accuracy, reverse=True):
        lines.append(
            f"{s.model:<28} {s.accuracy:>8.1%} {s.failed:>6} "
            f"{s.prompt_tokens:>10} {s.completion_tokens:>10}"
        )
    return "\n".join(lines)


def write_results(
    run: EvalRun, settings: Settings, dataset: Path, limit: int | None, path: Path
) -> None:
    """Write the run to a new file PATH, through a temporary file: never half a file."""
    report = {
        "task": run.task,
        "dataset": str(dataset),
        "limit": limit,
        "seed": run.seed,
        "temperature": TEMPERATURE,
        "judge_model": settings.judge_model if run.task == "faq" else None,
        "example_ids": run.example_ids,
        "finished_at": datetime.now(UTC).isoformat(),
        "summary": [asdict(s) | {"accuracy": s.accuracy} for s in run.stats],
        "results": [asdict(r) for r in run.results],
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise FileExistsError(f"{path} already exists; an earlier run is never overwritten")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


async def _main(args: argparse.Namespace, settings: Settings) -> EvalRun:
    dataset = load_dataset(args.dataset)
    async with make_client(settings) as client:
        return await run_eval(
            client, settings, args.task, dataset, args.models, args.limit, args.seed
        )


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def model_names(value: str) -> list[str]:
    """An argparse type: comma-separated model names, without empty or repeated ones."""
    names = list(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    if not names:
        raise argparse.ArgumentTypeError("no model name given")
    return names


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Compare Mistral models on a labelled dataset.")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("dataset", type=Path, help="JSONL file with id, input and expected")
    parser.add_argument(
        "--models",
        type=model_names,
        default=list(DEFAULT_MODELS),
        help="comma-separated model names (pin dated versions)",
    )
    parser.add_argument(
        "--limit", type=positive_int, default=None, help="evaluate a random sample of N examples"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed of the sample and of the sampling"
    )
    parser.add_argument("-o", "--output", type=Path, default=None, help="results file (new)")
    args = parser.parse_args(argv)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output: Path = args.output or Path("eval_results") / f"{args.task}-{stamp}.json"
    if output.exists():
        parser.error(f"{output} already exists; results of earlier runs are never overwritten")

    settings = load_settings()
    setup_logging(secrets=[settings.api_key])
    run = asyncio.run(_main(args, settings))
    write_results(run, settings, args.dataset, args.limit, output)
    print(summary_table(run))
    logger.info("Wrote %d results to %s", len(run.results), output)


if __name__ == "__main__":
    main()
