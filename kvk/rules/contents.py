"""DEP-CONTENTS (CONTENTS): the parts a filing of its entry point must have, from the
entry point's roles in the NT19 extract (kvk.taxonomy.FILING_ROLES and line_items), so
the client hears of a missing part before approving, not from the KvK:

- the balance sheet (every variant): at least one amount of the current year, and not
  all of them 0 -- an error;
- the profit and loss (klein; its publicatiestukken have no profit and loss role): at
  least one amount of the current year -- an error;
- the notes of klein and klein-publicatiestukken: at least one fact of a notes role
  (general notes, accounting principles) -- an error: a small company files its balance
  sheet with the notes (art. 2:396 BW). The extract did not read all of klein's roles
  (nt.GAPS), so when the filing has facts the extract does not know, which may be notes
  of an unread role, it is a warning;
- the notes of micro: a warning only. Art. 2:395a BW asks a micro company only for the
  notes that apply to it, and the KvK's formulas for micro (nt19-kvk-supplement.json
  formulas_micro) require no notes fact; the finding asks to check that there is nothing
  to disclose.

Entry points the extract does not model (klein-verticaal) are not checked. The fiscal
balance sheet (BasisOfPreparationAxis = FiscalMember) does not count.
"""

from __future__ import annotations

import contextlib
from collections.abc import Container
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kvk import taxonomy as tx
from kvk.parser import Context, Fact, ParsedInstance
from kvk.rules.codes import ERROR, WARNING
from kvk.rules.concepts import model_of
from kvk.rules.registry import Stage, Subject, rule
from kvk.rules.report import Emit


@dataclass
class _Contents:
    """What the filing has of the parts of its entry point."""

    variant: str
    balance: frozenset[str]  # the local names of the parts' line items
    income: frozenset[str]
    notes: frozenset[str]
    known: Container[str]  # the Clark names of the entry point's concepts in the extract
    complete: bool  # the extract read the entry point in full
    balance_values: list[Decimal] = field(default_factory=list)  # current year, commercial
    has_income: bool = False
    has_notes: bool = False
    has_unknown: bool = False  # a fact the extract does not know (of an unread role?)

    @property
    def size(self) -> str | None:
        return tx.size_of_variant(self.variant)

    def take(self, inst: ParsedInstance, fact: Fact, fiscal: dict[str, bool]) -> None:
        """Count one fact."""
        name = fact.local_name
        if name in self.notes:
            self.has_notes = self.has_notes or bool(fact.value.strip())
        elif name not in self.balance and name not in self.income:
            self.has_unknown = self.has_unknown or fact.concept not in self.known
        elif not _current_commercial(inst, fact, fiscal):
            pass
        elif name in self.income:
            self.has_income = True
        else:
            with contextlib.suppress(InvalidOperation):  # DEP-VALUE reports it
                self.balance_values.append(Decimal(fact.value.strip()))


def _current_commercial(inst: ParsedInstance, fact: Fact, fiscal: dict[str, bool]) -> bool:
    """Whether a fact is of the current year and not of the fiscal balance sheet
    (``fiscal``: context id -> whether it is the fiscal balance sheet's, filled as
    contexts are met)."""
    context_ref = fact.context_ref or ""
    if context_ref not in fiscal:
        fiscal[context_ref] = _is_fiscal(inst.contexts.get(context_ref))
    return not fiscal[context_ref] and inst._period_slot(fact) == 0


def _is_fiscal(ctx: Context | None) -> bool:
    """Whether a context is the fiscal balance sheet's (BasisOfPreparationAxis =
    FiscalMember), a separate tree beside the commercial one."""
    if ctx is None:
        return False
    return any(
        axis.endswith("}BasisOfPreparationAxis") and member.endswith("}FiscalMember")
        for axis, member in ctx.dimensions
    )


def _contents(s: Subject) -> _Contents | None:
    """None for an entry point the extract does not model."""
    model = model_of(s)
    if model is None:
        return None
    variant = s.inst.entry_point_variant or ""
    found = _Contents(
        variant=variant,
        balance=frozenset(tx.line_items(variant, "balance")),
        income=frozenset(tx.line_items(variant, "income")),
        notes=frozenset(tx.line_items(variant, "notes")),
        known=model.concepts,
        complete=model.complete,
    )
    fiscal: dict[str, bool] = {}
    for fact in s.inst.facts:
        found.take(s.inst, fact, fiscal)
    return found


def _year(s: Subject) -> str:
    return f"{s.inst.period_start} .. {s.inst.period_end}"


@rule("DEP-CONTENTS", Stage.CONTENTS)
def _balance_sheet(emit: Emit, s: Subject) -> None:
    contents = s.shared(_contents)
    if contents is None:
        return
    line = s.inst.root.sourceline
    if not contents.balance_values:
        emit(
            f"De balans ontbreekt: het document heeft geen bedragen van de balans over het "
            f"boekjaar {_year(s)}. Een jaarrekening ({contents.variant}) bevat altijd een "
            "balans.",
            f"The balance sheet is missing: the document has no balance-sheet amounts for the "
            f"financial year {_year(s)}. Annual accounts ({contents.variant}) always include "
            "a balance sheet.",
            line,
        )
    elif not any(contents.balance_values):
        emit(
            f"Alle bedragen van de balans per {s.inst.period_end} zijn 0; vul de balans in.",
            f"Every amount of the balance sheet at {s.inst.period_end} is 0; fill in the "
            "balance sheet.",
            line,
        )


@rule("DEP-CONTENTS", Stage.CONTENTS)
def _profit_and_loss(emit: Emit, s: Subject) -> None:
    contents = s.shared(_contents)
    if contents is None or not contents.income or contents.size != "klein":
        return
    if not contents.has_income:
        emit(
            f"De winst-en-verliesrekening over het boekjaar {_year(s)} ontbreekt; het "
            "entrypoint klein vraagt haar. Wilt u alleen de publicatiestukken deponeren "
            "(balans en toelichting), kies dan klein-publicatiestukken.",
            f"The profit and loss account for the financial year {_year(s)} is missing; the "
            "klein entry point asks for it. To file the publication pieces only (balance "
            "sheet and notes), choose klein-publicatiestukken.",
            s.inst.root.sourceline,
        )


@rule("DEP-CONTENTS", Stage.CONTENTS)
def _notes(emit: Emit, s: Subject) -> None:
    contents = s.shared(_contents)
    if contents is None or contents.has_notes:
        return
    line = s.inst.root.sourceline
    if contents.size == "micro":
        emit(
            "Er is geen toelichting opgenomen. Een micro-rechtspersoon hoeft alleen de "
            "toelichtingen van art. 2:395a BW te geven die op haar van toepassing zijn "
            "(zoals verplichtingen die niet uit de balans blijken); controleer dat er niets "
            "te vermelden is.",
            "The filing has no notes. A micro company need give only the notes of art. "
            "2:395a BW that apply to it (such as commitments not shown in the balance "
            "sheet); check that there is nothing to disclose.",
            line,
            severity=WARNING,
        )
        return
    unread = contents.has_unknown and not contents.complete
    emit(
        "De toelichting ontbreekt: het document heeft geen algemene toelichting en geen "
        "grondslagen. Een kleine rechtspersoon deponeert de balans met de toelichting "
        "(art. 2:396 BW)."
        + (
            " Het document bevat gegevens die deze controle niet kent; staat de toelichting "
            "daarin, dan is dit in orde."
            if unread
            else ""
        ),
        "The notes are missing: the document has no general notes and no accounting "
        "principles. A small company files its balance sheet with the notes (art. 2:396 BW)."
        + (
            " The document has facts this check does not know; if the notes are among them, "
            "this is in order."
            if unread
            else ""
        ),
        line,
        severity=WARNING if unread else ERROR,
    )
