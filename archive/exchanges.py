"""A statement in its context: the question an answer answers, the answers a question gets,
and the turns either side, read from one query over the turns around it.

Questions and answers are told apart by the one read rule for it (`Turn.is_question`: the
speaker's kind, or an anonymous label such as "Q"). An answer answers the nearest question
before it, across other answers (a second official answering the same question) and stage
directions, but not across a question's absence: opening remarks answer nothing. A question's
answers are the statements after it up to the next question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.models import Turn

SPAN = 12  # turns read either side: a question is rarely answered by more than a few turns
MAX_ANSWERS = 4


@dataclass
class Exchange:
    turn: Turn
    question: Turn | None = None  # for an answer: the question it answers
    answers: list[Turn] = field(default_factory=list)  # for a question: its answers
    previous: Turn | None = None  # the statements either side (stage directions skipped)
    next: Turn | None = None
    more_answers: bool = False  # the question has more answers than `answers` shows


def exchange_of(turn: Turn) -> Exchange:
    around = list(Turn.objects.around(turn, SPAN))
    speech = [t for t in around if t.kind == Turn.Kind.SPEECH]
    before = [t for t in speech if t.position < turn.position]
    after = [t for t in speech if t.position > turn.position]
    exchange = Exchange(
        turn=turn,
        previous=before[-1] if before else None,
        next=after[0] if after else None,
    )
    if turn.kind != Turn.Kind.SPEECH:
        return exchange
    if turn.is_question:
        answers = []
        for other in after:
            if other.is_question:
                break
            answers.append(other)
        exchange.answers = answers[:MAX_ANSWERS]
        exchange.more_answers = len(answers) > MAX_ANSWERS
    else:
        exchange.question = next((t for t in reversed(before) if t.is_question), None)
    return exchange
