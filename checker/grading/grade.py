"""Grade a review: match findings to issues and decoys, then score (DESIGN.md §7)."""

import dataclasses
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from checker.grading.concepts import (
    ConceptEvidence,
    Groups,
    Vocabulary,
    Window,
    best_evidence,
    named_anywhere,
    windows,
)
from checker.grading.gaming import is_prose, screen
from checker.grading.generic import Descriptions, TermEvidence
from checker.grading.locate import code_at, place
from checker.grading.model import (
    SEVERITY_WEIGHTS,
    STATUS_CREDIT,
    FindingResult,
    Grade,
    IssueResult,
    Match,
    Score,
    SourceTree,
)
from checker.grading.text import PRAISE, Statement, statements, tokens
from checker.key import AnswerKey, Decoy, Issue
from checker.review import Finding

CODE_LINES = 6  # lines of cited code read after the cited line, at most
CONFIRMING_SCORE = 2.0  # description score that completes a half-named located finding
CONFIRMED_SHARE = 0.5  # ... when it names at least this share of the issue's concepts
NEIGHBOUR_SHARE = 0.8  # ... and its share of the score of an issue the finding names outright
SPRAY_LIMIT = 4  # a single finding naming this many issues is a list, not a statement
MIN_PROSE_WORDS = 5  # a vague finding must say something, not only quote code


def _described(issue: Issue) -> str:
    texts = (issue.title, issue.description, issue.explanation)
    return " ".join(dict.fromkeys(t for t in texts if t))


@lru_cache(maxsize=16)
def descriptions(key: AnswerKey) -> Descriptions:
    """The prose of every issue: it matches issues without concepts, and backs up the rest."""
    return Descriptions({issue.id: _described(issue) for issue in key.issues})


@lru_cache(maxsize=16)
def vocabulary(key: AnswerKey) -> Vocabulary:
    """Every alternative the key's issues and decoys use, indexed once per key."""
    words = [a for i in key.issues for g in i.concepts for a in g]
    words += [a for d in key.decoys for g in d.concepts for a in g]
    return Vocabulary(words)


def _named(evidence: ConceptEvidence) -> str:
    words = ", ".join(f"'{m}'" for m in evidence.matched if m is not None)
    return f"names the problem ({words})"


def _missing(groups: Groups, evidence: ConceptEvidence) -> str:
    said = [m for m in evidence.matched if m is not None]
    absent = [g for g, m in zip(groups, evidence.matched, strict=True) if m is None]
    wanted = "; ".join(" or ".join(f"'{a}'" for a in g[:2]) for g in absent[:2])
    named = ", ".join(f"'{m}'" for m in said)
    return f"the problem is only half named: it says {named} but nothing like {wanted}"


def _completion(groups: Groups, evidence: ConceptEvidence, code: str) -> str:
    """Why the code a half-named finding points at completes it ("" if it does not).

    A finding at `time.sleep(...)` that says "this freezes the whole program" need not
    also say "sleep": the line it points at does. Only one missing concept can come from
    the code, the words the finding does say must not merely repeat the code ("model" at
    a line that sets a model), and they must still describe the issue (see _completed).
    """
    missing = [g for g, m in zip(groups, evidence.matched, strict=True) if m is None]
    if len(missing) != 1 or not code:
        return ""
    said_words = [m for m in evidence.matched if m is not None]
    code_words = tuple(tokens(code))
    in_code = Vocabulary(missing[0]).found(code_words)
    word = next((a for a in missing[0] if a in in_code), None)
    if word is None or Vocabulary(said_words).found(code_words):
        return ""  # nothing in the code, or the finding only repeats what the code says
    said = ", ".join(f"'{m}'" for m in said_words)
    return f"says {said}, and the code it points at has '{word}'"


def _completed(match: Match, evidence: TermEvidence) -> Match:
    """A half-named finding is caught when the code it points at names the rest.

    EVIDENCE is how the finding's own words describe the issue (the description matcher).
    """
    if match.status != "partial" or match.named or not match.completion:
        return match
    words = ", ".join(repr(w) for w in evidence.words[:6])
    return dataclasses.replace(
        match,
        status="caught",
        named=True,
        reasons=(
            f"{match.completion}; it describes the rest in its own words ({words})",
            *match.reasons,
        ),
        missing="",
    )


def _match(
    issue: Issue,
    groups: Groups,
    finding: Finding,
    said: list[Statement],
    found: list[Window],
    named: frozenset[str],
    tree: SourceTree,
) -> Match | None:
    evidence = best_evidence(groups, found, named)
    if evidence is None:
        return None
    spot = place(finding, issue.locations, tree)
    if evidence.complete:
        if spot.points_at or spot.kind == "none":
            reason = spot.detail if spot.kind != "none" else "no location, but the problem is named"
            return Match(
                issue.id,
                finding.index,
                "caught",
                (_named(evidence), reason),
                evidence=evidence.window,
                forgiven=spot.kind == "named",
                unplaced=spot.kind == "none",
            )
        return Match(
            issue.id, finding.index, "partial", (_named(evidence),), f"wrong place: {spot.detail}"
        )
    prose = any(len(s.words) >= MIN_PROSE_WORDS and not s.is_keyword_list for s in said)
    if spot.kind == "at" and prose:
        return Match(
            issue.id,
            finding.index,
            "partial",
            (spot.detail,),
            _missing(groups, evidence),
            named=False,
            evidence=evidence.window,
            strength=evidence.count / len(groups),
            completion=_completion(groups, evidence, code_at(finding, issue.locations, tree)),
        )
    return None


def _match_described(
    issue: Issue, evidence: TermEvidence, finding: Finding, tree: SourceTree
) -> Match:
    """A match for an issue known only by its description (a plain key)."""
    spot = place(finding, issue.locations, tree)
    named = f"describes it ({', '.join(repr(w) for w in evidence.words[:6])})"
    if evidence.code_words:
        named += f"; the code it cites has {', '.join(repr(w) for w in evidence.code_words[:3])}"
    if spot.points_at or spot.kind == "none":
        reason = spot.detail if spot.kind not in ("none", "any") else "the key gives no location"
        return Match(
            issue.id,
            finding.index,
            "caught",
            (named, reason),
            evidence=evidence.window,
            forgiven=spot.kind == "named",
        )
    return Match(issue.id, finding.index, "partial", (named,), f"wrong place: {spot.detail}")


def _confirmed(match: Match, evidence: TermEvidence | None, bar: float) -> Match:
    """A half-named finding at the issue's lines is caught if it describes the rest.

    The finding stands at the issue's lines, names at least half of the issue's concepts
    in the key's words (`CONFIRMED_SHARE`), and its own words describe the issue's
    explanation strongly (`CONFIRMING_SCORE`, and at least BAR: see NEIGHBOUR_SHARE).
    """
    if match.status != "partial" or match.named or evidence is None:
        return match
    if match.strength < CONFIRMED_SHARE:
        return match
    if evidence.score < max(CONFIRMING_SCORE, bar):
        return match
    words = ", ".join(repr(w) for w in evidence.words[:6])
    return dataclasses.replace(
        match,
        status="caught",
        named=True,
        reasons=(f"describes it in its own words ({words})", *match.reasons),
        missing="",
        evidence=evidence.window,
    )


def _placed(match: Match, in_own_words: dict[str, TermEvidence]) -> Match:
    """A finding that points nowhere is caught only if its description agrees.

    With no location and no code name of the issue, the key's words alone could come
    from a remark about something else (a review's opening, a neighbouring problem);
    the finding's description must also single the issue out (generic.py).
    """
    if not match.unplaced or match.issue_id in in_own_words:
        return match
    return dataclasses.replace(
        match,
        status="partial",
        missing="it names the problem but not where it is: cite the file and line, or name "
        "the code",
    )


def _needs_description(match: Match) -> bool:
    """Whether the description matcher can change MATCH (see _confirmed and _placed)."""
    return match.unplaced or (match.status == "partial" and not match.named)


def _with_descriptions(
    matches: list[Match],
    described: Descriptions,
    by_issue: dict[str, Issue],
    finding: Finding,
    said: list[Statement],
    tree: SourceTree,
    sprayed: bool,
    result: FindingResult,
    plain_issues: bool,
) -> list[Match]:
    """MATCHES after the description matcher's opinion, plus issues known only by prose."""
    description = described.matches(said, _cited_code(finding, tree), prose_only=sprayed)
    in_own_words = dict(description.matches)
    # an issue the finding names outright sets the bar: a neighbour it merely resembles
    # must be described nearly as strongly to be confirmed
    outright = [
        in_own_words[m.issue_id].score for m in matches if m.named and m.issue_id in in_own_words
    ]
    bar = NEIGHBOUR_SHARE * max(outright, default=0.0)
    matches = [
        _placed(_confirmed(m, in_own_words.get(m.issue_id), bar), in_own_words) for m in matches
    ]
    # half-named at the issue's lines, the rest in the code it points at, and described
    matches = [
        _completed(m, e)
        if (e := in_own_words.get(m.issue_id)) is not None and e.score >= bar
        else m
        for m in matches
    ]
    matches += [
        _match_described(by_issue[issue_id], evidence, finding, tree)
        for issue_id, evidence in description.matches
        if not by_issue[issue_id].concepts
    ]
    if description.catalogues and plain_issues:
        result.flags.append(
            "describes many problems in one sentence: a catalogue, not a finding; "
            "that sentence earns nothing"
        )
    return matches


def _cited_code(finding: Finding, tree: SourceTree) -> list[str]:
    path = tree.resolve(finding.path) if finding.path else None
    if path is None or finding.line is None:
        return []
    last = min(finding.end_line or finding.line, finding.line + CODE_LINES)
    return [text for _, text in tree.excerpt(path, finding.line, last)]


def _decoy_hit(decoy: Decoy, finding: Finding, found: list[Window], tree: SourceTree) -> bool:
    spot = place(finding, decoy.locations, tree)
    if decoy.concepts:
        evidence = best_evidence(decoy.concepts, found)
        return evidence is not None and evidence.complete and spot.points_at
    return spot.kind == "at"


def _checked_location(finding: Finding, tree: SourceTree, warnings: list[str]) -> Finding:
    """Drop a line number the PR does not have (the finding is then graded by its text)."""
    if finding.path is None or not tree.files:
        return finding
    resolved = tree.resolve(finding.path)
    if resolved is None:
        warnings.append(
            f"finding {finding.index} (line {finding.source_line}): {finding.path} "
            "is not a file of the PR; graded by its text"
        )
        return finding
    length = len(tree.files[resolved])
    if finding.line is not None and finding.line > length:
        warnings.append(
            f"finding {finding.index} (line {finding.source_line}): {finding.path} has "
            f"{length} lines, not {finding.line}; graded by its text"
        )
        return dataclasses.replace(finding, line=None, end_line=None)
    return finding


def _score(issues: list[IssueResult], findings: list[FindingResult]) -> Score:
    total = len(issues) or 1
    recall = sum(STATUS_CREDIT[r.status] for r in issues) / total
    weights = sum(SEVERITY_WEIGHTS[r.issue.severity] for r in issues) or 1.0
    weighted = (
        sum(SEVERITY_WEIGHTS[r.issue.severity] * STATUS_CREDIT[r.status] for r in issues) / weights
    )
    graded = [f for f in findings if f.is_graded]
    precision = sum(f.status == "matched" for f in graded) / len(graded) if graded else 0.0
    f1 = 2 * precision * weighted / (precision + weighted) if precision + weighted else 0.0
    return Score(round(recall, 4), round(weighted, 4), round(precision, 4), round(f1, 4))


def grade_review(
    key: AnswerKey,
    findings: Sequence[Finding],
    tree: SourceTree,
    *,
    exercise: str | None = None,
    review: Path | None = None,
    warnings: Sequence[str] = (),
    pr_description: str | None = None,
) -> Grade:
    """Match every finding against every issue and decoy of KEY and score the review.

    PR_DESCRIPTION, when given, lets the grader spot findings copied from it.
    """
    notes = list(warnings)
    if not findings:
        notes.append("the review has no findings: every issue is missed")
    known = vocabulary(key)
    described = descriptions(key)
    by_issue = {issue.id: issue for issue in key.issues}
    plain_issues = not all(issue.concepts for issue in key.issues)
    screened = screen(findings, len(key.issues), pr_description)
    issue_results = [IssueResult(issue) for issue in key.issues]
    by_id = {r.issue.id: r for r in issue_results}
    finding_results: list[FindingResult] = []
    for raw in findings:
        finding = _checked_location(raw, tree, notes)
        result = FindingResult(finding)
        finding_results.append(result)
        if finding.label == "praise":
            result.is_praise = True
            result.reasons.append("praise: not graded")
            continue
        if finding.index in screened.ignored:
            result.flags.append(f"{screened.ignored[finding.index]}: no credit")
            continue
        said = statements(finding.body)
        found = windows(said, known)
        named = named_anywhere(found)
        matches = [
            m
            for issue in key.issues
            if issue.concepts
            and (m := _match(issue, issue.concepts, finding, said, found, named, tree))
        ]
        if plain_issues or any(_needs_description(m) for m in matches):
            matches = _with_descriptions(
                matches,
                described,
                by_issue,
                finding,
                said,
                tree,
                screened.sprayed,
                result,
                plain_issues,
            )
        if screened.sprayed:
            # a spray must also stand at the right lines: no forgiving a wrong one
            matches = [
                m
                for m in matches
                if m.status == "caught" and is_prose(m.evidence) and not m.forgiven
            ]
        if any(m.named for m in matches):
            # a finding about one problem is not also a vague attempt at its neighbours
            matches = [m for m in matches if m.named]
        if any(m.status == "caught" for m in matches) and finding.line is not None:
            # a located finding is about its location: drop what it names only in passing
            matches = [m for m in matches if m.status == "caught"]
        if not matches and finding.path is None and PRAISE.search(finding.body):
            result.is_praise = True
            result.reasons.append("praise: not graded")
            continue
        if sum(m.named for m in matches) >= SPRAY_LIMIT and finding.line is not None:
            # a dense finding is credited for what stands where it points
            matches = [m for m in matches if m.status == "caught"]
            result.flags.append(
                "names many problems in one finding: credited only "
                "for those at the lines it points at"
            )
        praising = bool(PRAISE.search(finding.body))
        decoys: list[Decoy] = []
        if not praising and not any(m.named for m in matches):
            decoys = [d for d in key.decoys if _decoy_hit(d, finding, found, tree)]
        if matches and any(d.concepts for d in decoys):
            matches = []  # half-named neighbours lose to a decoy the finding names outright
        for match in matches:
            by_id[match.issue_id].matches.append(match)
            result.issues.append(match.issue_id)
            detail = "; ".join(match.reasons)
            gap = f" — {match.missing}" if match.missing else ""
            result.reasons.append(f"{match.status} {match.issue_id}: {detail}{gap}")
        if matches:
            result.status = "matched"
            continue
        if decoys:
            result.status = "decoy"
            result.decoys = [d.id for d in decoys]
            result.reasons.append(f"false alarm on correct code ({', '.join(result.decoys)})")
        elif not result.flags:
            result.reasons.append("matches no issue in the key (it may still be a fair remark)")
    for issue_result in issue_results:
        statuses = {m.status for m in issue_result.matches}
        issue_result.status = (
            "caught" if "caught" in statuses else "partial" if statuses else "missed"
        )
    return Grade(
        key=key,
        exercise=exercise,
        review=review,
        issues=issue_results,
        findings=finding_results,
        score=_score(issue_results, finding_results),
        warnings=notes,
        flags=screened.flags,
    )


def grade_file(
    key: AnswerKey,
    review: Path,
    tree: SourceTree,
    *,
    exercise: str | None = None,
    pr_description: str | None = None,
) -> Grade:
    """Parse the review file REVIEW and grade it (UsageError if it cannot be read)."""
    from checker.review import parse_review

    parsed = parse_review(review)
    return grade_review(
        key,
        parsed.findings,
        tree,
        exercise=exercise,
        review=review,
        warnings=parsed.warnings,
        pr_description=pr_description,
    )
