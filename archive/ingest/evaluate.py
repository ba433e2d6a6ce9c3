"""Score the whole pipeline against a gold file, without touching the archive.

Gold format, one JSON object per document (fields not listed here are ignored):
  {"source": "name.txt" or "name.jsonl#2", "outlet": "TASS" or null,
   "published": "2024-10-14" or null, "people": ["Andrei Belousov", ...],
   "meetings": [{"participants": [...], "date": "2024-10-14" or null,
                 "place": "Beijing" or null, "format": "in_person"|"video"|"phone"|null,
                 "status": "held"|"planned"}]}

Scores (micro-averaged over documents):
  outlets, dates   precision over the documents where the pipeline gave a value, recall over
                   those where the gold has one; a wrong date is any predicted date that
                   differs from the gold, a null gold included;
  people           precision and recall of (document, canonical name) pairs;
  meetings         exact match: participants, date, place and format all right (status too);
  merging          pairs of reports of one gold meeting in different documents that received
                   the same meeting_id (recall) and predicted same-id pairs that are one gold
                   meeting (precision).
"""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from archive.ingest import pipeline
from archive.ingest.extract import extract
from archive.ingest.gazetteer import Gazetteer
from archive.ingest.meetings import link_meetings
from archive.ingest.outlets import OutletDirectory
from archive.ingest.people import PeopleMatcher
from archive.ingest.read import IngestError, RawDocument, iter_documents


def _norm(value):
    return (value or "").strip().casefold() or None


@dataclass
class Score:
    correct: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self):
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self):
        return self.correct / self.expected if self.expected else 0.0

    @property
    def f1(self):
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=dict)
    wrong_dates: int = 0
    documents: int = 0
    failed: list[str] = field(default_factory=list)

    def table(self):
        lines = [
            f"{'':<10} {'precision':>9} {'recall':>7} {'F1':>6} {'correct':>8} {'predicted':>9} {'gold':>5}"
        ]
        for name, s in self.scores.items():
            lines.append(
                f"{name:<10} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} "
                f"{s.correct:>8} {s.predicted:>9} {s.expected:>5}"
            )
        lines.append(f"wrong dates: {self.wrong_dates} of {self.documents} documents")
        if self.failed:
            lines.append(f"documents that failed to import: {', '.join(self.failed)}")
        return "\n".join(lines)


def load_document(documents_dir, source):
    """The RawDocument a gold `source` names (a file, or line N of a JSON Lines file)."""
    path, _, line = source.partition("#")
    full = Path(documents_dir) / path
    documents = list(iter_documents([str(full)]))
    if line:
        wanted = f"{full}#{line}"
        documents = [d for d in documents if d.source == wanted]
    if not documents:
        return RawDocument(source, b"", "text", error=f"not found: {source}")
    return documents[0]


def predict(gold_rows, documents_dir, gazetteer: Gazetteer, today=None):
    """Run the pipeline on every gold document; return predictions in the gold format."""
    today = today or date.today()
    outlets = OutletDirectory(gazetteer.outlets)
    matcher = PeopleMatcher(gazetteer)
    predictions, reports = [], []
    for index, row in enumerate(gold_rows):
        raw = load_document(documents_dir, row["source"])
        try:
            draft = pipeline.process(raw, outlets, today=today, people=matcher)
        except IngestError as error:
            predictions.append(
                {
                    "source": row["source"],
                    "error": str(error),
                    "outlet": None,
                    "published": None,
                    "people": [],
                    "meetings": [],
                }
            )
            continue
        result = extract(draft.body, matcher, draft.date.value, draft.dateline_place)
        meetings = []
        for number, meeting in enumerate(result.meetings):
            reports.append(((index, number), meeting))
            meetings.append(
                {
                    "participants": [matcher.display_name(k) for k in meeting.participants],
                    "date": meeting.date.isoformat()
                    if meeting.date and meeting.date_precision == "day"
                    else None,
                    "place": meeting.place or None,
                    "format": meeting.format,
                    "status": meeting.status,
                    "kind": meeting.kind,
                }
            )
        predictions.append(
            {
                "source": row["source"],
                "outlet": draft.outlet.name if draft.outlet else None,
                "published": draft.date.value.isoformat() if draft.date.value else None,
                "date_confidence": draft.date.confidence,
                "language": draft.language or None,
                "people": [matcher.display_name(k) for k in result.person_keys()],
                "meetings": meetings,
                "quotes": [
                    {"speaker": matcher.display_name(q.speaker), "text": q.text}
                    for q in result.quotes
                ],
            }
        )
    for group_number, members in enumerate(link_meetings(reports), start=1):
        for doc_index, meeting_index in members:
            predictions[doc_index]["meetings"][meeting_index]["meeting_id"] = group_number
    return predictions


def _meeting_key(meeting):
    return (
        frozenset(_norm(p) for p in meeting.get("participants") or []),
        meeting.get("date") or None,
        _norm(meeting.get("place")),
        meeting.get("format") or None,
        meeting.get("status") or "held",
    )


def score(gold_rows, predictions):
    evaluation = Evaluation(documents=len(gold_rows))
    outlets, dates_, people, meetings = Score(), Score(), Score(), Score()
    gold_events, predicted_events = [], []
    for gold, predicted in zip(gold_rows, predictions, strict=True):
        if "error" in predicted:
            evaluation.failed.append(gold["source"])
        for name, s in (("outlet", outlets), ("published", dates_)):
            want, got = _norm(gold.get(name)), _norm(predicted.get(name))
            s.expected += want is not None
            s.predicted += got is not None
            s.correct += got is not None and got == want
        if predicted.get("published") and predicted["published"] != gold.get("published"):
            evaluation.wrong_dates += 1
        want_people = {_norm(p) for p in gold.get("people") or []}
        got_people = {_norm(p) for p in predicted.get("people") or []}
        people.expected += len(want_people)
        people.predicted += len(got_people)
        people.correct += len(want_people & got_people)
        want_meetings = [_meeting_key(m) for m in gold.get("meetings") or []]
        got_meetings = [_meeting_key(m) for m in predicted.get("meetings") or []]
        meetings.expected += len(want_meetings)
        meetings.predicted += len(got_meetings)
        remaining = list(want_meetings)
        for key, meeting in zip(got_meetings, predicted.get("meetings") or [], strict=True):
            if key in remaining:
                remaining.remove(key)
                meetings.correct += 1
                predicted_events.append((gold["source"], key, meeting.get("meeting_id")))
        gold_events.extend((gold["source"], key) for key in want_meetings)
    evaluation.scores = {
        "outlets": outlets,
        "dates": dates_,
        "people": people,
        "meetings": meetings,
        "merging": _merge_score(gold_events, predicted_events),
    }
    return evaluation


def _merge_score(gold_events, predicted_events):
    """Pairs across documents: same gold meeting vs same predicted meeting_id."""
    same_gold = {
        frozenset({(a_src, a_key), (b_src, b_key)})
        for i, (a_src, a_key) in enumerate(gold_events)
        for b_src, b_key in gold_events[i + 1 :]
        if a_src != b_src and a_key == b_key
    }
    same_predicted = {
        frozenset({(a_src, a_key), (b_src, b_key)})
        for i, (a_src, a_key, a_id) in enumerate(predicted_events)
        for b_src, b_key, b_id in predicted_events[i + 1 :]
        if a_src != b_src and a_id is not None and a_id == b_id
    }
    return Score(
        correct=len(same_gold & same_predicted),
        predicted=len(same_predicted),
        expected=len(same_gold),
    )


def read_gold(path):
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON: {error.msg}") from None
            if "source" not in rows[-1]:
                raise ValueError(f"{path}:{number}: no source")
    return rows
