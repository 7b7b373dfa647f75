"""Offline evals: run a labelled dataset through several models and compare the scores.

Usage:
    python -m helpdesk.evals triage evals/triage.jsonl
    python -m helpdesk.evals faq evals/faq.jsonl --models mistral-small-latest --limit 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from mistralai.client import Mistral
from mistralai.client.models import AssistantMessage, SystemMessage, UsageInfo, UserMessage

from helpdesk.llm import make_client
from helpdesk.logs import setup_logging
from helpdesk.settings import Settings, load_settings

logger = logging.getLogger(__name__)

DEFAULT_MODELS = ("mistral-small-latest", "mistral-medium-latest")
ANSWER_MAX_TOKENS = 300
JUDGE_MAX_TOKENS = 60
FEW_SHOT = 3

TRIAGE_PROMPT = (
    "You route Tidewater support tickets. Classify the ticket into exactly one category: "
    "billing, technical, account, shipping or other. Answer with the category only."
)
FAQ_PROMPT = (
    "You are a Tidewater support agent. Answer the customer's question in at most three "
    "sentences, using only the policy excerpt that comes with it."
)
JUDGE_PROMPT = (
    "You grade the answers of a support assistant. Compare the candidate answer with the "
    "reference answer. Reply CORRECT if the candidate gives the same facts as the "
    "reference, INCORRECT otherwise, then one sentence explaining why."
)


@dataclass(frozen=True)
class Example:
    id: str
    input: str
    expected: str


@dataclass
class Result:
    model: str
    example_id: str
    answer: str
    expected: str


@dataclass
class ModelStats:
    model: str
    answered: int = 0
    correct: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    def add_usage(self, usage: UsageInfo) -> None:
        self.prompt_tokens += usage.prompt_tokens
        self.completion_tokens += usage.total_tokens


@dataclass
class EvalRun:
    task: str
    stats: list[ModelStats]
    results: list[Result]


Scorer = Callable[[Mistral, Settings, Example, str], Awaitable[bool]]


def judge_messages(example: Example, answer: str) -> list[SystemMessage | UserMessage]:
    return [
        SystemMessage(content=JUDGE_PROMPT),
        UserMessage(
            content=f"Question:\n{example.input}\n\n"
            f"Reference answer:\n{example.expected}\n\n"
            f"Candidate answer:\n{answer}"
        ),
    ]


async def exact_match(client: Mistral, settings: Settings, example: Example, answer: str) -> bool:
    return answer == example.expected


async def judge(client: Mistral, settings: Settings, example: Example, answer: str) -> bool:
    """Ask the judge model whether ANSWER gives the same facts as the reference answer."""
    response = await client.chat.complete_async(
        model=settings.judge_model,
        messages=judge_messages(example, answer),
        max_tokens=JUDGE_MAX_TOKENS,
    )
    verdict = response.choices[0].message.content
    return "CORRECT" in verdict.upper()


@dataclass(frozen=True)
class Task:
    system_prompt: str
    score: Scorer
    shots: int = 0


TASKS = {
    "triage": Task(TRIAGE_PROMPT, exact_match, shots=FEW_SHOT),
    "faq": Task(FAQ_PROMPT, judge),
}


def load_dataset(path: Path) -> list[Example]:
    """The examples of a JSONL file with `id`, `input` and `expected` on every line."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                examples.append(Example(str(row["id"]), row["input"], row["expected"]))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}:{number}: bad example: {exc}") from exc
    return examples


def build_messages(
    task: Task, dataset: Sequence[Example], example: Example
) -> list[SystemMessage | UserMessage | AssistantMessage]:
    messages: list[SystemMessage | UserMessage | AssistantMessage] = [
        SystemMessage(content=task.system_prompt)
    ]
    # A few labelled examples show the model the expected answer format.
    for shot in dataset[: task.shots]:
        messages.append(UserMessage(content=shot.input))
        messages.append(AssistantMessage(content=shot.expected))
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


async def evaluate_model(
    client: Mistral,
    settings: Settings,
    task: Task,
    model: str,
    dataset: list[Example],
    limit: int | None,
    progress: Progress,
) -> tuple[ModelStats, list[Result]]:
    examples = random.sample(dataset, min(limit, len(dataset))) if limit else dataset
    stats = ModelStats(model)
    results: list[Result] = []
    semaphore = asyncio.Semaphore(settings.max_concurrency)

    async def run_one(example: Example) -> None:
        try:
            async with semaphore:
                response = await client.chat.complete_async(
                    model=model,
                    messages=build_messages(task, dataset, example),
                    max_tokens=ANSWER_MAX_TOKENS,
                )
            answer = response.choices[0].message.content.strip()
            stats.correct += await task.score(client, settings, example, answer)
        except Exception as exc:
            logger.warning("Skipping %s for %s: %s", example.id, model, exc)
            return
        stats.answered += 1
        stats.add_usage(response.usage)
        results.append(Result(model, example.id, answer, example.expected))
        progress.tick()

    await asyncio.gather(*(run_one(example) for example in examples))
    return stats, results


async def run_eval(
    client: Mistral,
    settings: Settings,
    task_name: str,
    dataset: list[Example],
    models: Sequence[str] = DEFAULT_MODELS,
    limit: int | None = None,
) -> EvalRun:
    """Evaluate every model of MODELS on DATASET (or a sample of LIMIT examples of it)."""
    task = TASKS[task_name]
    progress = Progress(len(models) * (min(limit, len(dataset)) if limit else len(dataset)))
    outcomes = await asyncio.gather(
        *(
            evaluate_model(client, settings, task, model, dataset, limit, progress)
            for model in models
        )
    )
    return EvalRun(
        task=task_name,
        stats=[stats for stats, _ in outcomes],
        results=[result for _, results in outcomes for result in results],
    )


def summary_table(run: EvalRun) -> str:
    lines = [f"{'model':<28} {'accuracy':>8} {'answered':>8} {'prompt tok':>10} {'output tok':>10}"]
    for s in sorted(run.stats, key=lambda s: s.accuracy, reverse=True):
        lines.append(
            f"{s.model:<28} {s.accuracy:>8.1%} {s.answered:>8} "
            f"{s.prompt_tokens:>10} {s.completion_tokens:>10}"
        )
    return "\n".join(lines)


def write_results(run: EvalRun, dataset: Path, limit: int | None, path: Path) -> None:
    report = {
        "task": run.task,
        "dataset": str(dataset),
        "limit": limit,
        "finished_at": datetime.now(UTC).isoformat(),
        "summary": [asdict(s) | {"accuracy": s.accuracy} for s in run.stats],
        "results": [asdict(r) for r in run.results],
    }
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


async def _main(args: argparse.Namespace, settings: Settings) -> EvalRun:
    dataset = load_dataset(args.dataset)
    async with make_client(settings) as client:
        return await run_eval(client, settings, args.task, dataset, args.models, args.limit)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Compare Mistral models on a labelled dataset.")
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("dataset", type=Path, help="JSONL file with id, input and expected")
    parser.add_argument(
        "--models",
        type=lambda value: [name.strip() for name in value.split(",")],
        default=list(DEFAULT_MODELS),
        help="comma-separated model names",
    )
    parser.add_argument("--limit", type=int, default=None, help="evaluate N examples only")
    parser.add_argument("-o", "--output", type=Path, default=Path("eval_results.json"))
    args = parser.parse_args(argv)

    settings = load_settings()
    setup_logging(secrets=[settings.api_key])
    run = asyncio.run(_main(args, settings))
    write_results(run, args.dataset, args.limit, args.output)
    print(summary_table(run))
    logger.info("Wrote %d results to %s", len(run.results), args.output)


if __name__ == "__main__":
    main()
