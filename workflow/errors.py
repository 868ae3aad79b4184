"""Errors of the workflow services; the API and the views map them to answers.

An error carries a stable ``code`` for machines and ``params`` for its sentence; the
sentence comes from one catalogue (``SENTENCES``) and is rendered in the reader's
language when the edge reads ``error.message``. A catalogue key is the error's code, or the
code and a variant after a colon where one code has several sentences
(``"status_conflict:approve"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from config.dates import format_day, format_moment

#: Catalogue key -> the sentence, with ``%(name)s`` placeholders for the error's params.
SENTENCES: dict[str, Any] = {
    # --- not found, not permitted -----------------------------------------------------------
    "not_found:organisation": _("Deze organisatie bestaat niet."),
    "not_found:message": _("Dit bericht bestaat niet."),
    "action_not_permitted": _("U heeft geen recht op deze actie voor dit bericht."),
    "client_only": _("Alleen de cliënt kan %(action)s."),
    "staff_only": _("Alleen medewerkers van het kantoor kunnen %(action)s."),
    "comment_not_permitted": _("U kunt bij dit bericht geen opmerking plaatsen."),
    # --- status and conditions --------------------------------------------------------------
    "status_conflict": _(
        "Het bericht heeft status %(status)s (%(status_label)s); deze actie kan nu niet."
    ),
    "status_conflict:review": _("Dit bericht wacht niet op beoordeling door de accountant."),
    "status_conflict:adopt": _(
        "De jaarrekening kan alleen worden vastgesteld tijdens de beoordeling."
    ),
    "status_conflict:approve": _(
        "Het bericht heeft status %(status)s (%(status_label)s); goedkeuren kan nu niet."
    ),
    "status_conflict:size_class": _(
        "Het bericht heeft status %(status)s (%(status_label)s); de waarschuwing over de "
        "grootteklasse kan alleen vóór de goedkeuring terzijde worden gelegd."
    ),
    "status_conflict:resend": _(
        "Alleen een bericht met status 70 kan opnieuw worden verzonden; dit bericht heeft "
        "status %(status)s (%(status_label)s)."
    ),
    "awaiting_accountant_review": _("De accountant moet het bericht eerst beoordelen."),
    "condition_not_met": _("Niet aan de voorwaarden voor deze actie is voldaan."),
    "condition_not_met:review": _("De accountant moet het bericht eerst beoordelen."),
    "condition_not_met:adoption": _(
        "Vink eerst 'Jaarrekening vastgesteld' aan en vul de datum van vaststelling in."
    ),
    "claim_race": _("Berichten zijn tijdens het claimen gewijzigd."),
    # --- adoption and approval --------------------------------------------------------------
    "adoption_date_in_future": _("De datum van vaststelling kan niet in de toekomst liggen."),
    "adoption_date_before_year": _(
        "De datum van vaststelling ligt vóór het begin van het boekjaar."
    ),
    "adoption_date_in_year": _(
        "De datum van vaststelling moet na het einde van het boekjaar liggen."
    ),
    "adoption_before_signing": _(
        "De datum van vaststelling ligt vóór de datum waarop de bestuurders de "
        "jaarrekening ondertekenden."
    ),
    "adopted_document_invalid": _(
        "Het vastgestelde document voldoet niet aan de KvK-regels: %(findings)s"
    ),
    "already_adopted": _("De jaarrekening is al vastgesteld op %(date)s."),
    "already_adopted:by": _("De jaarrekening is al vastgesteld op %(date)s, door %(who)s."),
    "not_the_adopter": _(
        "Alleen de personen die dit bericht moeten goedkeuren, kunnen de jaarrekening vaststellen."
    ),
    "not_the_adopter:named": _(
        "De vaststelling van de jaarrekening legt %(name)s vast; u kunt het bericht daarna "
        "goedkeuren."
    ),
    "no_adopter_named": _(
        "Er is niemand aangewezen om de vaststelling vast te leggen. Neem contact op met uw "
        "accountant."
    ),
    "already_approved": _("Dit bericht is al goedgekeurd."),
    "already_approved:by": _("Dit bericht is al goedgekeurd door %(who)s op %(when)s."),
    # The same person decided first, in another window: "U", never the own name.
    "already_approved:own": _("U heeft dit bericht al goedgekeurd op %(when)s."),
    # A decision that comes too late for the client who makes it: another contact of the
    # organisation (or the same person in another window) decided first. Named by who and
    # when, with what can still be done; a client reads no status codes.
    "already_approved:reject": _(
        "Dit bericht is al goedgekeurd; afkeuren kan niet meer. Klopt er iets niet, stel dan "
        "bij dit bericht een vraag aan uw accountant."
    ),
    "already_approved:reject_by": _(
        "Dit bericht is al goedgekeurd door %(who)s op %(when)s; afkeuren kan niet meer. "
        "Klopt er iets niet, stel dan bij dit bericht een vraag aan uw accountant."
    ),
    "already_approved:reject_own": _(
        "U heeft dit bericht al goedgekeurd op %(when)s; afkeuren kan niet meer. Klopt er "
        "iets niet, stel dan bij dit bericht een vraag aan uw accountant."
    ),
    # An approval that comes too late: another contact rejected the message first (or the
    # same person in another window); what follows is a new version.
    "already_rejected:approve": _(
        "Dit bericht is al afgekeurd; goedkeuren kan niet meer. Uw accountant of uw "
        "administratie stuurt een nieuwe versie ter goedkeuring. Moet deze versie toch worden "
        "goedgekeurd, vraag dan uw accountant het bericht terug te zetten."
    ),
    "already_rejected:approve_by": _(
        "Dit bericht is al afgekeurd door %(who)s op %(when)s; goedkeuren kan niet meer. Uw "
        "accountant of uw administratie stuurt een nieuwe versie ter goedkeuring. Moet deze "
        "versie toch worden goedgekeurd, vraag dan uw accountant het bericht terug te zetten."
    ),
    "already_rejected:approve_own": _(
        "U heeft dit bericht al afgekeurd op %(when)s; goedkeuren kan niet meer. Uw "
        "accountant of uw administratie stuurt een nieuwe versie ter goedkeuring. Moet deze "
        "versie toch worden goedgekeurd, vraag dan uw accountant het bericht terug te zetten."
    ),
    "approval_already_given": _("U heeft dit document al goedgekeurd op %(when)s."),
    "not_a_required_approver": _(
        "U bent niet een van de personen die dit bericht moeten goedkeuren."
    ),
    "not_a_required_approver:reject": _(
        "Alleen de personen die dit bericht moeten goedkeuren, kunnen het afkeuren."
    ),
    "no_required_approvers": _(
        "Er is niemand aangewezen om dit bericht goed te keuren. Neem contact op met uw accountant."
    ),
    "document_changed": _(
        "Het document is gewijzigd sinds u het opende. Bekijk het opnieuw en keur het daarna goed."
    ),
    # --- accounts not adopted (art. 2:394 lid 2 BW; workflow.services.not_adopted) ---------
    "not_adopted:adopted": _(
        "De jaarrekening is al vastgesteld op %(date)s. Keur het bericht goed met "
        "'Goedkeuren bericht'."
    ),
    "not_adopted:no_deadline": _(
        "Voor deze rechtsvorm berekent Deponeer geen termijn voor de vaststelling, dus de "
        "jaarrekening kan hier niet als niet vastgestelde jaarrekening worden gedeponeerd. "
        "Overleg met uw accountant."
    ),
    "not_adopted:signed": _(
        "Alle aandeelhouders zijn ook bestuurder: de ondertekening op %(date)s geldt als "
        "vaststelling van de jaarrekening. Leg de vaststelling vast en keur het bericht "
        "daarna goed."
    ),
    "not_adopted:too_early": _(
        "De termijn om de jaarrekening vast te stellen loopt nog tot en met %(date)s. Pas "
        "daarna kan zij als niet vastgestelde jaarrekening worden gedeponeerd (art. 2:394 "
        "lid 2 BW). Stel de jaarrekening vast en keur het bericht daarna goed."
    ),
    "not_adopted:document": _(
        "Dit document vermeldt niet dat de jaarrekening niet is vastgesteld "
        "(DocumentAdoptionStatus 'Nee', zonder datum van vaststelling). Vraag uw "
        "administratie om een nieuwe versie."
    ),
    "not_adopted:document_invalid": _("Het document voldoet niet aan de KvK-regels: %(findings)s"),
    "not_adopted:filed": _(
        "Voor boekjaar %(year)s is al een niet vastgestelde jaarrekening gedeponeerd of "
        "onderweg naar de KvK. Wat nu nog volgt, is de vastgestelde jaarrekening: stel haar "
        "vast en keur haar goed."
    ),
    "not_adopted:adopted_filed": _(
        "Voor boekjaar %(year)s is al een vastgestelde jaarrekening gedeponeerd of onderweg "
        "naar de KvK; een niet vastgestelde jaarrekening kan daarna niet meer worden "
        "gedeponeerd."
    ),
    # --- corrections ------------------------------------------------------------------------
    "BR-KVK-4.12": _(
        "Een heraanlevering moet een vastgestelde jaarrekening zijn (vaststelling 'Ja')."
    ),
    "BR-KVK-4.16": _("Een heraanlevering vraagt om de status én de datum van vaststelling."),
    "correction_not_allowed:refused": _(
        "Deze stukken zijn door de KvK afgekeurd. Maak nieuwe stukken en verstuur die."
    ),
    "correction_not_allowed:filed": _(
        "Voor boekjaar %(year)s is al een vastgestelde jaarrekening gedeponeerd. Een "
        "correctie kan alleen als heraanlevering."
    ),
    "correction_not_allowed:approved": _(
        "Voor boekjaar %(year)s is al een vastgestelde jaarrekening goedgekeurd en onderweg "
        "naar de KvK. Een correctie kan alleen als heraanlevering."
    ),
    "replaced": _(
        "Dit bericht is vervangen door een nieuwere versie van de jaarrekening; die versie "
        "wordt beoordeeld."
    ),
    "replaced:newer": _(
        "Dit bericht kan niet terug in de workflow: voor boekjaar %(year)s is er een nieuwere "
        "versie van de jaarrekening (bericht %(message_id)s, status %(status)s: "
        "%(status_label)s). Ga verder met die versie."
    ),
    "replaced:resend": _(
        "Dit bericht is vervangen door een nieuwe versie van de jaarrekening (bericht "
        "%(message_id)s) en wordt niet meer verzonden. Volg de nieuwe versie."
    ),
    # --- reasons, the size class and comments -----------------------------------------------
    "rejection_reason_required": _("Geef een reden op waarom u het bericht afkeurt."),
    "reason_too_long": _("De reden is te lang (hoogstens %(max)s tekens)."),
    "size_class_reason_required": _("Geef de reden waarom de grootteklasse toch klopt."),
    "repair_reason_required": _(
        "Geef de reden waarom het bericht terug in de workflow gaat; de cliënt leest die reden."
    ),
    "no_size_class_warning": _("Bij dit bericht is er geen waarschuwing over de grootteklasse."),
    "comment_empty": _("Een opmerking kan niet leeg zijn."),
    "comment_too_long": _("Een opmerking is hoogstens %(max)s tekens lang."),
    # --- receiving and delivery -------------------------------------------------------------
    # A copy names the message that has the document by the day it was received
    # (``received_on``, workflow.services.duplicates); its ``message_id`` stays in the params
    # for machines (the API's answer carries it), a UUID says nothing to a person.
    "message_id_reused": _("Dit berichtkenmerk is al gebruikt voor een ander document."),
    "duplicate_document": _(
        "Dit document is al aangeleverd in het bericht van %(received_on)s (status "
        "%(status)s: %(status_label)s) en wordt niet nog een keer in behandeling genomen. Volg "
        "de status van dat bericht; moet er iets veranderen, verstuur dan aangepaste stukken."
    ),
    # KVK-SBR.md section 1: a filed document is never removed; a correction is a new
    # filing, a heraanlevering (the client environment's report 'Heraanlevering').
    "duplicate_document:filed": _(
        "Dit document is al aangeleverd in het bericht van %(received_on)s en bij de KvK "
        "gedeponeerd (status %(status)s: %(status_label)s); er hoeft niets meer te gebeuren. "
        "Een gedeponeerde jaarrekening wordt nooit verwijderd: een correctie kan alleen nog "
        "als heraanlevering, met de vastgestelde jaarrekening en de datum van vaststelling."
    ),
    "duplicate_document:rejected": _(
        "Dit document is al aangeleverd in het bericht van %(received_on)s en door de "
        "cliënt afgekeurd (status %(status)s: %(status_label)s). Verstuur aangepaste stukken, of "
        "vraag uw accountant dat bericht terug te zetten in de workflow als deze stukken "
        "toch goedgekeurd moeten worden."
    ),
    "duplicate_document:refused": _(
        "Dit document is al aangeleverd in het bericht van %(received_on)s en door de KvK "
        "afgekeurd (status %(status)s: %(status_label)s). Maak nieuwe stukken en verstuur die."
    ),
    "attention_note": _(
        "Schrijf in hooguit 1000 tekens wat u heeft gecontroleerd of afgesproken, zodat "
        "collega's het in het verloop kunnen lezen."
    ),
    "no_attention": _(
        "Dit bericht vraagt geen aandacht (meer), dus er valt niets af te handelen. Als "
        "afgehandeld markeren kan bij een bericht op de lijst 'Vraagt aandacht' met status "
        "25, 40 of 90, of met status 60 en een aandachtspunt."
    ),
    "attention_acknowledged": _(
        "Dit aandachtspunt is al afgehandeld; de notitie staat in het verloop."
    ),
    "attention_not_acknowledged": _(
        "Dit bericht is niet als afgehandeld gemarkeerd; er is niets gewijzigd."
    ),
    "resend_queued": _("Er staat al een nieuwe verzendpoging klaar voor dit bericht."),
    "attempt_running": _("Er loopt op dit moment een verzendpoging; wacht het resultaat af."),
    "invalid_kenmerk": _(
        "Vul het kenmerk in dat Digipoort aan de aflevering gaf (zonder spaties)."
    ),
    "kenmerk_taken": _("Dit kenmerk hoort bij een ander bericht; controleer het kenmerk."),
    "document_mismatch": _(
        "Het document wijkt af van het goedgekeurde document en wordt niet verzonden."
    ),
    # KVK-SBR.md section 3: the KvK number is in the document (its entity identifier); the
    # KvK files annual accounts only under the number they contain.
    "kvk_number_changed": _(
        "Het document vermeldt KvK-nummer %(document)s, maar de organisatie heeft nu "
        "KvK-nummer %(organisation)s. De KvK neemt een jaarrekening alleen aan onder het "
        "KvK-nummer dat erin staat, dus dit document wordt niet verzonden. Is KvK-nummer "
        "%(document)s juist, zet dan het KvK-nummer van de organisatie terug (Organisaties, "
        "Identificatienummers) en verzend het bericht daarna opnieuw."
    ),
    "kvk_number_changed:approve": _(
        "Deze jaarrekening vermeldt KvK-nummer %(document)s, maar uw organisatie is bij uw "
        "accountant nu bekend onder KvK-nummer %(organisation)s. De KvK neemt een "
        "jaarrekening alleen aan onder het KvK-nummer dat erin staat, dus deze versie kan "
        "niet worden goedgekeurd. Keur haar af en stuur vanuit uw administratie een nieuwe "
        "versie met het juiste KvK-nummer."
    ),
}


def code_of(key: str) -> str:
    """The stable code of a catalogue key: the part before a variant's colon."""
    return key.partition(":")[0]


#: Params that hold a day as an ISO date ("2026-03-02"), the way a stored reason (JSON)
#: keeps it: written as a person reads a day in the reader's language.
DAY_PARAMS = ("received_on",)


def render(key: str, params: Mapping[str, Any] | None = None) -> str:
    """The sentence of a catalogue key in the current language, with its params: lazy
    texts (status labels, action words) in the current language, moments and days as
    ``config.dates`` writes them."""
    return str(SENTENCES[key]) % {
        name: _param(value, day=name in DAY_PARAMS) for name, value in (params or {}).items()
    }


def _param(value: Any, *, day: bool = False) -> Any:
    if day and isinstance(value, str):
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            return value  # already written as a day (workflow.reasons reads it first)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return format_day(value)
    return value


class WorkflowError(Exception):
    """Base class: ``code`` is stable for machines, ``message`` is for people (the
    catalogue's sentence in the current language)."""

    code = "workflow_error"

    def __init__(self, key: str, params: Mapping[str, Any] | None = None) -> None:
        if key not in SENTENCES:
            raise KeyError(f"no sentence for workflow error {key!r}")
        super().__init__(key)
        self.key = key
        self.code = code_of(key)
        self.params = dict(params or {})

    @property
    def message(self) -> str:
        """The sentence for people, in the current language."""
        return render(self.key, self.params)

    def __str__(self) -> str:
        return self.message


class NotPermitted(WorkflowError):
    """The actor may not do this to this message (answer as 403, or 404 to outsiders)."""

    code = "not_permitted"


class Conflict(WorkflowError):
    """The message is not in a status that allows the action (answer as 409)."""

    code = "conflict"


class Invalid(WorkflowError):
    """The input for the action is wrong (answer as 400)."""

    code = "invalid"
