from datetime import UTC, datetime, timedelta

import pytest

from scoring.decay import days_since_epoch, decayed_weight_at, epoch_weight
from tiegraph.domain import PersonKind
from tiegraph.identity import account_domain, normalise_address, person_kind

NOW = datetime(2026, 11, 25, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Ann Lee <Ann.Lee@Firm.TEST> ", "ann.lee@firm.test"),
        ("joe@acme.com", "joe@acme.com"),
        ('"Doe, Jane" <jane@acme.com>', "jane@acme.com"),
        ("not an address", None),
        ("nobody@localhost", None),
    ],
)
def test_addresses_are_normalised(raw: str, expected: str | None) -> None:
    assert normalise_address(raw) == expected


def test_firm_domains_and_subdomains_make_team_members() -> None:
    firm = frozenset({"firm.test"})
    assert person_kind("ann@firm.test", firm) is PersonKind.TEAM_MEMBER
    assert person_kind("ann@eu.firm.test", firm) is PersonKind.TEAM_MEMBER
    assert person_kind("ann@notfirm.test", firm) is PersonKind.CONTACT
    assert account_domain("joe@gmail.com") is None
    assert account_domain("joe@acme.com") == "acme.com"


def test_decayed_sum_does_not_depend_on_arrival_order() -> None:
    times = [NOW - timedelta(days=d) for d in (400, 3, 90, 45)]
    forwards = sum(epoch_weight(2.0, days_since_epoch(t), 90) for t in times)
    backwards = sum(epoch_weight(2.0, days_since_epoch(t), 90) for t in reversed(times))
    assert decayed_weight_at(forwards, NOW, 90) == pytest.approx(
        decayed_weight_at(backwards, NOW, 90)
    )


def test_one_half_life_halves_the_weight() -> None:
    stored = epoch_weight(6.0, days_since_epoch(NOW), 90)
    assert decayed_weight_at(stored, NOW, 90) == pytest.approx(6.0)
    assert decayed_weight_at(stored, NOW + timedelta(days=90), 90) == pytest.approx(3.0)
