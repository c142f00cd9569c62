"""Where Neo4j values become domain models: nothing above graph/ sees a neo4j type."""

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from neo4j.time import Date, DateTime

from graph.models import AccountSnapshot, ContactTies, MemberContactTie, MemberTie, SearchHit
from scoring.account_health import AccountActivity, AccountInput, ContactInput, TieInput
from scoring.fold import TieFields
from scoring.profile import ScoringProfile
from scoring.reach import touch_rule
from scoring.threads import ColleagueTie
from scoring.tie_events import TieKey
from scoring.tie_state import TieState
from tiegraph.access import ApiToken, Role
from tiegraph.domain import InteractionKind, InteractionRecord, PersonRef, TieType
from tiegraph.identity import domain_of, person_kind
from tiegraph.reference import AccountRow, AliasRow, ContactRow, ReferenceRow, RosterRow
from tiegraph.sources import SecretRef, Source, SourceSpec

_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_datetime(value: Any) -> datetime | None:
    """A Python datetime from a Neo4j DateTime, or from epoch microseconds (an int: how the
    hot read queries return tie times, much cheaper to decode), or None."""
    if value is None:
        return None
    if isinstance(value, int):
        return _UNIX_EPOCH + timedelta(microseconds=value)
    if isinstance(value, DateTime):
        return value.to_native()
    if isinstance(value, datetime):
        return value
    raise TypeError(f"expected a DateTime, got {type(value).__name__}")


def to_date(value: Any) -> date | None:
    """A Python date from a Neo4j Date, a date or an ISO date string (or None).

    The roster import stores `left_on` as a Date; a contact's `left_on` has no importer yet,
    so an ISO string written by hand or by a future CRM import is read too.
    """
    if value is None:
        return None
    if isinstance(value, Date):
        return value.to_native()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    raise TypeError(f"expected a Date, got {type(value).__name__}")


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch: how times travel to Cypher (`datetime({epochMillis})`).

    The write queries take times this way because the Python driver packs a datetime far more
    slowly than an int, and the write path sends one per interaction and tie.
    """
    return int(moment.timestamp() * 1000)


def optional_ms(moment: datetime | None) -> int | None:
    """`epoch_ms`, or None."""
    return None if moment is None else epoch_ms(moment)


_TIE_TIMES = ("first_at", "last_at", "last_two_way_at")


def tie_row(key: TieKey, fields: TieFields) -> dict[str, Any]:
    """The UNWIND row `ingest/merge_ties` and `rescore/replace_ties` take for one tie's state
    (`scoring.fold`): the additive fields as one map (a new tie takes it whole) and the times
    as epoch millis."""
    return {
        "a": key[1],
        "b": key[2],
        "sums": {name: value for name, value in fields.items() if name not in _TIE_TIMES},
        "first_ms": optional_ms(fields["first_at"]),
        "last_ms": optional_ms(fields["last_at"]),
        "last_two_way_ms": optional_ms(fields["last_two_way_at"]),
    }


def reach_rule(profile: ScoringProfile) -> dict[str, Any]:
    """The `$rule` of the tie writes (`ingest/merge_ties`, `rescore/replace_ties`): the numbers
    with which they store each tie's `reach` (`scoring.reach.touch_reach`)."""
    return asdict(touch_rule(profile))


def tie_rows(ties: Mapping[TieKey, TieFields]) -> dict[TieType, list[dict[str, Any]]]:
    """`tie_row` for every tie, grouped by relationship type (one write query each)."""
    grouped: dict[TieType, list[dict[str, Any]]] = {t: [] for t in TieType}
    for key, fields in ties.items():
        grouped[key[0]].append(tie_row(key, fields))
    return grouped


def _from_ms(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, tz=UTC)


def to_api_token(row: dict[str, Any]) -> ApiToken:
    """A stored token (never its hash) from an `auth/*` row."""
    return ApiToken(
        id=row["id"], role=Role.parse(row["role"]), member_email=row["member_email"],
        created_at=_from_ms(row["created_ms"]), revoked_at=_from_ms(row["revoked_ms"]),
    )  # fmt: skip


_SOURCE_TIMES = ("created", "last_attempt", "last_success", "last_error", "next_attempt")


def source_props(spec: SourceSpec, source_id: str, created: datetime) -> dict[str, Any]:
    """The properties a new `:Source` is created with: settings and the secret's reference."""
    props = spec.model_dump(mode="json", exclude={"secret"})
    props["folders"] = list(spec.folders) if spec.folders is not None else None
    return {**props, "id": source_id, "secret": spec.secret.stored, "paused": False,
            "created_ms": epoch_ms(created)}  # fmt: skip


def to_source(props: dict[str, Any]) -> Source:
    """A source from its node's properties (`source/*` queries)."""
    fields = {k: v for k, v in props.items() if not k.endswith("_ms") and k != "secret"}
    times = {f"{t}_at": _from_ms(props.get(f"{t}_ms")) for t in _SOURCE_TIMES}
    folders = props.get("folders")
    fields["folders"] = tuple(folders) if folders is not None else None
    return Source.model_validate({**fields, **times, "secret": SecretRef.parse(props["secret"])})


# Read once: `TieState.model_fields` is rebuilt on every access, and every tie read asks.
_TIE_FIELDS = frozenset(TieState.model_fields)


def to_tie_state(props: dict[str, Any]) -> TieState:
    """A tie's stored state, from its relationship properties."""
    fields = {k: v for k, v in props.items() if k in _TIE_FIELDS}
    for key in ("first_at", "last_at", "last_two_way_at"):
        fields[key] = to_datetime(fields.get(key))
    return TieState.model_validate(fields)


def tie_inputs(rows: Sequence[dict[str, Any]]) -> tuple[TieInput, ...]:
    """Account-health rule inputs from `{member, tie}` maps (the holder's roster `left_on` kept)."""
    return tuple(
        TieInput(
            member=to_person(row["member"]),
            member_left_on=to_date(row["member"].get("left_on")),
            state=to_tie_state(row["tie"]),
        )
        for row in rows
    )


def primary_account(email: str, domains: Sequence[str]) -> str | None:
    """The account a contact is at: the one on their email domain, else the first by name."""
    if domain_of(email) in domains:
        return domain_of(email)
    return min(domains, default=None)


def to_contact_input(item: dict[str, Any], account: str | None) -> ContactInput:
    """A rule input from a `{contact, ties}` map read under `account`, with the namesakes the
    map lists (each `{contact, accounts, ties}`: other records of the same person, at the
    account they are primarily at)."""
    props = item["contact"]
    return ContactInput(
        contact=to_person(props),
        seniority=props.get("seniority"),
        left_on=to_date(props.get("left_on")),
        account_domain=account,
        ties=tie_inputs(item["ties"]),
        namesakes=tuple(
            to_contact_input(n, primary_account(n["contact"]["email"], n["accounts"]))
            for n in item.get("namesakes", ())
        ),
    )


def to_account_input(row: dict[str, Any]) -> AccountInput:
    """A rule input from an `{account, contacts}` row, with the interaction facts when the row
    has them (`read/account_health`)."""
    props = row["account"]
    activity = AccountActivity()
    if "last_interaction_at" in row:
        activity = AccountActivity(
            last_interaction_at=to_datetime(row["last_interaction_at"]),
            meetings_recent=row["meetings_recent"],
            meetings_before=row["meetings_before"],
            latest_admin=tuple(row["latest_admin"]),
        )
    return AccountInput(
        domain=props["domain"],
        name=props.get("name"),
        tier=props.get("tier"),
        annual_value=props.get("annual_value"),
        contacts=tuple(to_contact_input(c, props["domain"]) for c in row["contacts"]),
        activity=activity,
    )


def to_colleague_ties(items: Sequence[dict[str, Any]]) -> tuple[ColleagueTie, ...]:
    """Colleague ties from `{colleague, tie}` maps (the colleague's roster `left_on` kept)."""
    return tuple(
        ColleagueTie(
            colleague=to_person(c["colleague"]),
            left_on=to_date(c["colleague"].get("left_on")),
            state=to_tie_state(c["tie"]),
        )
        for c in items
    )


def to_person(props: dict[str, Any]) -> PersonRef:
    """A person reference from a node's properties."""
    return PersonRef(email=props["email"], name=props.get("name"), team=props.get("team"))


def to_contact_ties(row: dict[str, Any]) -> ContactTies:
    """A contact and its ties, from a `{contact, ties: [{member, tie}]}` map."""
    ties = tuple(
        MemberTie(member=to_person(t["member"]), state=to_tie_state(t["tie"])) for t in row["ties"]
    )
    return ContactTies(contact=to_person(row["contact"]), ties=ties)


def to_member_contact_tie(row: dict[str, Any]) -> MemberContactTie:
    """Both people and the stored tie, from a `read/tie` row."""
    state = to_tie_state(row["tie"]) if row["tie"] is not None else None
    return MemberContactTie(
        member=to_person(row["member"]), contact=to_person(row["contact"]), state=state
    )


def to_account(row: dict[str, Any]) -> AccountSnapshot:
    """An account snapshot from a `{account, contacts}` row."""
    props = row["account"]
    return AccountSnapshot(
        domain=props["domain"],
        name=props.get("name"),
        tier=props.get("tier"),
        annual_value=props.get("annual_value"),
        contacts=tuple(to_contact_ties(c) for c in row.get("contacts", ())),
    )


def to_search_hit(row: dict[str, Any]) -> SearchHit:
    """A search result from a `read/search` row: a person, or an account without contacts."""
    kind, props = row["kind"], row["props"]
    if kind == "account":
        return SearchHit(kind=kind, score=row["score"], account=to_account({"account": props}))
    return SearchHit(kind=kind, score=row["score"], person=to_person(props))


# The columns of a row of cypher/rescore/interaction_page.cypher, in order.
INTERACTION_COLUMNS = ("id", "kind", "occurred_ms", "subject", "source", "is_admin",
                       "in_reply_to", "participants", "roles", "responses")  # fmt: skip


def to_interaction(row: dict[str, Any]) -> InteractionRecord:
    """A stored interaction as a record, from a `stored_interactions` row.

    Validated from plain values in one `model_validate` call: pydantic's compiled validator
    does the enums and the participants faster than building each `Participant` here, and a
    rescore rebuilds every stored interaction.
    """
    responses = row.get("responses") or [None] * len(row["participants"])
    participants = [
        {"email": email, "role": role, "response": answer or None}
        for email, role, answer in zip(row["participants"], row["roles"], responses, strict=True)
    ]
    return InteractionRecord.model_validate(
        {
            "external_id": row["id"],
            "kind": row["kind"],
            "occurred_at": datetime.fromtimestamp(row["occurred_ms"] / 1000, tz=UTC),
            "subject": row["subject"],
            "participants": participants,
            "source": row["source"],
            "is_admin": row["is_admin"],
            "in_reply_to": row.get("in_reply_to"),
        }
    )


_REFERENCE_QUERIES = {
    RosterRow: "ingest/upsert_roster",
    AccountRow: "ingest/upsert_accounts",
    ContactRow: "ingest/upsert_contacts",
    AliasRow: "ingest/upsert_aliases",
}


def _reference_row(row: ReferenceRow, firm_domains: frozenset[str]) -> dict[str, Any]:
    data = row.model_dump(mode="json")
    if isinstance(row, RosterRow | ContactRow):
        data["seniority"] = row.seniority.value
    if isinstance(row, AliasRow):
        data["label"] = person_kind(row.email, firm_domains).value
    return data


def reference_params(
    rows: Sequence[ReferenceRow], firm_domains: frozenset[str]
) -> dict[str, list[dict[str, Any]]]:
    """Reference rows grouped by the query that writes them, as query parameters."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(_REFERENCE_QUERIES[type(row)], []).append(
            _reference_row(row, firm_domains)
        )
    return grouped


def to_moments(pairs: Sequence[Sequence[Any]]) -> list[tuple[datetime, InteractionKind]]:
    """[epoch millis, kind] pairs of a timeline read as (moment, kind)."""
    return [
        (datetime.fromtimestamp(ms / 1000, tz=UTC), InteractionKind(kind)) for ms, kind in pairs
    ]
