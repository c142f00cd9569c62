"""The firm's rules (tiegraph/firm.py): domains agreed, what capture refuses or strips, who is
hidden from whom. Pure: no services."""

from datetime import UTC, datetime

import pytest

from tiegraph.access import address_hash
from tiegraph.domain import InteractionKind, InteractionRecord, Participant, ParticipantRole
from tiegraph.errors import SetupRequired
from tiegraph.firm import (
    FirmSettings,
    agreed_domains,
    capture_refusal,
    captured,
    hidden_members,
)

FIRM = FirmSettings(domains=("firm.test",))


def _mail(*to: str, owner: str | None = None, subject: str | None = "Hi") -> InteractionRecord:
    people = [Participant(email="ann@firm.test", role=ParticipantRole.FROM)]
    people += [Participant(email=t, role=ParticipantRole.TO) for t in to]
    return InteractionRecord(external_id="m1", kind=InteractionKind.EMAIL, subject=subject,
                             occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
                             participants=tuple(people), owner=owner)  # fmt: skip


def test_no_domains_stored_means_set_up_first() -> None:
    with pytest.raises(SetupRequired, match="run `tiegraph init --firm-domain"):
        agreed_domains(FirmSettings(), ("firm.test",))


def test_the_variable_may_repeat_the_stored_domains_but_not_contradict_them() -> None:
    assert agreed_domains(FIRM, ()) == ("firm.test",)
    assert agreed_domains(FIRM, ("firm.test",)) == ("firm.test",)
    with pytest.raises(SetupRequired, match=r"TIEGRAPH_FIRM_DOMAINS is other\.test but"):
        agreed_domains(FIRM, ("other.test",))


def test_capture_refuses_excluded_sources_addresses_and_domains() -> None:
    firm = FIRM.model_copy(update={"excluded_sources": ("ann@firm.test",),
                                   "excluded_hashes": (address_hash("hr@people.test"),),
                                   "excluded_domains": ("law.test",)})  # fmt: skip
    assert capture_refusal(_mail("joe@acme.com", owner="ann@firm.test"), firm) == "excluded-source"
    assert capture_refusal(_mail("joe@acme.com", owner="bob@firm.test"), firm) is None
    assert capture_refusal(_mail("joe@acme.com", "hr@people.test"), firm) == "excluded-address"
    assert capture_refusal(_mail("x@eu.law.test"), firm) == "excluded-address"
    assert capture_refusal(_mail("x@outlaw.test"), firm) is None


def test_subjects_are_dropped_only_when_they_are_off() -> None:
    assert captured(_mail("joe@acme.com"), FIRM).subject == "Hi"
    off = FIRM.model_copy(update={"store_subjects": False})
    assert captured(_mail("joe@acme.com"), off).subject is None


def test_an_opt_out_hides_a_member_from_everyone_but_themselves() -> None:
    assert hidden_members(("ann@firm.test",), "rep@firm.test") == {"ann@firm.test"}
    assert hidden_members(("ann@firm.test",), "ann@firm.test") == frozenset()
