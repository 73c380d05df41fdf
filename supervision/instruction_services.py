"""Writes of leaders' instructions (领导批示): a leader writes one, the unit
answers, the author marks the answer read (the rules: ``supervision.instructions``).

Every step is a conditional UPDATE on the current state, so two people acting
at once cannot both win; the people told are told in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.text import TEXT_LIMIT, text_problem, too_long
from supervision.choices import InstructionState
from supervision.instructions import Subject
from supervision.models import INSTRUCTION_LIMIT, Instruction
from supervision.notifying import tell_instructed, tell_instruction_answered
from zones import policy

ANSWER_LIMIT = TEXT_LIMIT


def clean_text(value: str, *, field_name: str, limit: int, empty: str) -> str:
    """Stripped text, or a ValidationError naming the field: empty, holding a
    control character, or longer than ``limit`` (messages in the user's language)."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({field_name: empty})
    problem = text_problem(value)
    if problem:
        raise ValidationError({field_name: problem})
    if len(value) > limit:
        raise ValidationError({field_name: too_long(limit)})
    return value


def instruction_create(*, subject: Subject, by, text: str) -> Instruction:
    """A leader of the subject's zone writes an instruction; the answering
    unit's staff and reviewers are told."""
    if not policy.can_instruct(by, subject.zone):
        raise PermissionDenied(_("Only the zone's leaders write instructions."))
    text = clean_text(text, field_name="text", limit=INSTRUCTION_LIMIT, empty=_("Write the instruction."))
    if subject.unit is None:
        raise ValidationError({"text": _("No lead unit answers for this task yet: assign one first.")})
    with transaction.atomic():
        instruction = Instruction.objects.create(
            zone=subject.zone,
            target=subject.target,
            task=subject.task,
            notice=subject.notice,
            unit=subject.unit,
            text=text,
            author=by,
            created_at=clock.now(),
        )
        tell_instructed(instruction, by=by)
    return instruction


def _not_now(instruction: Instruction) -> ValidationError:
    return ValidationError(
        _("This step is not possible now: the instruction is “%(state)s”. Reload the page.")
        % {"state": instruction.get_state_display()}
    )


def instruction_answer(*, instruction: Instruction, by, answer: str) -> Instruction:
    """The unit's staff or reviewer answers a pending instruction; its author is told."""
    if not policy.can_answer_instruction(by, instruction.unit):
        raise PermissionDenied(_("Only the answering unit's reporting staff and reviewers answer this instruction."))
    answer = clean_text(answer, field_name="answer", limit=ANSWER_LIMIT, empty=_("Write the answer."))
    with transaction.atomic():
        moved = Instruction.objects.filter(pk=instruction.pk, state=InstructionState.PENDING).update(
            state=InstructionState.ANSWERED, answer=answer, answered_by=by, answered_at=clock.now()
        )
        if moved != 1:
            instruction.refresh_from_db()
            raise _not_now(instruction)
        instruction.refresh_from_db()
        tell_instruction_answered(instruction, by=by)
    return instruction


def instruction_mark_read(*, instruction: Instruction, by) -> Instruction:
    """The author marks the answer read (已阅): the instruction is closed."""
    if not policy.can_mark_instruction_read(by, author_id=instruction.author_id):
        raise PermissionDenied(_("Only the instruction's author marks its answer read."))
    moved = Instruction.objects.filter(pk=instruction.pk, state=InstructionState.ANSWERED).update(
        state=InstructionState.READ, read_at=clock.now()
    )
    instruction.refresh_from_db()
    if moved != 1:
        raise _not_now(instruction)
    return instruction
