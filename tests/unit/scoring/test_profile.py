"""The scoring profile: defaults as documented, validation at the door, JSON both ways."""

import json

import pytest
from pydantic import ValidationError

from scoring.profile import DEFAULT_PROFILE, CoverageStandard, ScoringProfile
from scoring.strength import LabelBand, TieLabel
from tiegraph.domain import InteractionKind


def test_defaults_are_the_documented_ones() -> None:
    p = DEFAULT_PROFILE
    assert p.channel_weights == {
        InteractionKind.EMAIL: 2.0,
        InteractionKind.CALL: 5.0,
        InteractionKind.MEETING: 6.0,
        InteractionKind.NOTE: 1.0,
    }
    assert (p.fast_half_life_days, p.slow_half_life_days, p.recency_half_life_days) == (
        45.0,
        365.0,
        90.0,
    )
    assert [(b.label, b.min_score) for b in p.bands] == [
        (TieLabel.STRONG, 80),
        (TieLabel.GOOD, 60),
        (TieLabel.MODERATE, 40),
        (TieLabel.WEAK, 20),
        (TieLabel.MINIMAL, 0),
    ]
    assert p.bands[0].colour == "#1a7f37"
    assert p.cold_after_days == (30, 60, 90)
    assert p.coverage_standards == {
        "strategic": CoverageStandard(
            min_active_contacts_at_director_or_above=3, min_executives=1, min_champions=1
        )
    }
    assert p.bulk_recipients == 15
    assert p.small_meeting_size == 4
    assert p.saturation > 0
    assert ScoringProfile() == DEFAULT_PROFILE


def test_json_round_trip() -> None:
    text = DEFAULT_PROFILE.model_dump_json()
    assert json.loads(text)["channel_weights"]["meeting"] == 6.0
    assert ScoringProfile.model_validate_json(text) == DEFAULT_PROFILE


def test_a_profile_can_be_read_from_plain_json() -> None:
    profile = ScoringProfile.model_validate(
        {
            "channel_weights": {"email": 3, "call": 5, "meeting": 7, "note": 0},
            "bands": [
                {"label": "Strong", "min_score": 70, "colour": "#000000"},
                {"label": "Minimal", "min_score": 0, "colour": "#ffffff"},
            ],
            "coverage_standards": {
                "mid-market": {
                    "min_active_contacts_at_director_or_above": 1,
                    "min_executives": 0,
                    "min_champions": 1,
                }
            },
        }
    )
    assert profile.channel_weight(InteractionKind.MEETING) == 7
    assert profile.bands[0].label is TieLabel.STRONG
    assert profile.coverage_standards["mid-market"].min_champions == 1


BAD_CHANGES: list[dict[str, object]] = [
    {"channel_weights": {**DEFAULT_PROFILE.channel_weights, InteractionKind.EMAIL: 11.0}},
    {"channel_weights": {**DEFAULT_PROFILE.channel_weights, InteractionKind.EMAIL: -1.0}},
    {"channel_weights": {InteractionKind.EMAIL: 2.0}},
    {"channel_weights": {**DEFAULT_PROFILE.channel_weights, InteractionKind.CALL: float("nan")}},
    {"fast_half_life_days": 10.0},
    {"slow_half_life_days": 40.0},  # shorter than the fast one
    {"recency_half_life_days": 0.0},
    {"saturation": 0.0},
    {"freshness_floor": 0.0},  # one-way ties would all score 0, however long
    {"freshness_floor": 1.5},
    {"history_half_span_days": 0.0},
    {
        "bands": (
            LabelBand(label=TieLabel.STRONG, min_score=50, colour="#000000"),
            LabelBand(label=TieLabel.GOOD, min_score=50, colour="#000000"),
            LabelBand(label=TieLabel.MINIMAL, min_score=0, colour="#000000"),
        )
    },
    {"bands": (LabelBand(label=TieLabel.STRONG, min_score=50, colour="#000000"),)},
    {
        "bands": (
            LabelBand(label=TieLabel.STRONG, min_score=150, colour="#000000"),
            LabelBand(label=TieLabel.MINIMAL, min_score=0, colour="#000000"),
        )
    },
    {"cold_after_days": (60, 30)},
    {"cold_after_days": (0, 30)},
    {"admin_subject_patterns": ("invoice(",)},
    {
        "coverage_standards": {
            "strategic": {
                "min_active_contacts_at_director_or_above": -1,
                "min_executives": 1,
                "min_champions": 1,
            }
        }
    },
    {
        "coverage_standards": {
            " ": {
                "min_active_contacts_at_director_or_above": 1,
                "min_executives": 1,
                "min_champions": 1,
            }
        }
    },
    {"bulk_recipients": 0},
    {"small_meeting_size": 1},
    {"unknown_setting": 1},
]


@pytest.mark.parametrize("changes", BAD_CHANGES)
def test_bad_values_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        DEFAULT_PROFILE.with_changes(**changes)


def test_with_changes_validates_and_leaves_the_original_alone() -> None:
    changed = DEFAULT_PROFILE.with_changes(saturation=30.0, cold_after_days=(14, 28))
    assert changed.saturation == 30.0
    assert changed.cold_after_days == (14, 28)
    assert changed.bands == DEFAULT_PROFILE.bands
    assert DEFAULT_PROFILE.saturation != 30.0


def test_profiles_are_immutable() -> None:
    with pytest.raises(ValidationError):
        DEFAULT_PROFILE.saturation = 1.0  # type: ignore[misc]


def test_bands_are_kept_highest_first() -> None:
    bands = tuple(reversed(DEFAULT_PROFILE.bands))
    assert DEFAULT_PROFILE.with_changes(bands=bands).bands == DEFAULT_PROFILE.bands


@pytest.mark.parametrize(
    ("subject", "admin"),
    [
        ("Invoice #4411 for March", True),
        ("Your receipt from Acme", True),
        ("Payment received", True),
        ("Billing Statement - April", True),
        ("Order confirmation 22-1", True),
        ("Renewal notice: your subscription", True),
        ("Your RECEIPT from Acme", True),
        ("Billing statement, February", True),
        ("Renewal notice: Enterprise plan", True),
        # The parsers' own list held these until the profile's became the only admin rule.
        ("Invoices for Q3 attached", True),
        ("Purchase order 7781", True),
        ("Account statement for May", True),
        ("Payment reminder: 30 days past due", True),
        ("Your account is overdue", True),
        ("Rechnung Nr. 2231", True),
        ("Facture 2026-04", True),
        ("Re: pricing for the renewal", False),
        ("Invoicing workflow demo", False),
        ("Lunch next week?", False),
        ("Re: lunch next week?", False),
        ("Invoiced hours question", False),
        ("", False),
        (None, False),
    ],
)
def test_admin_subjects(subject: str | None, admin: bool) -> None:
    assert DEFAULT_PROFILE.is_admin_subject(subject) is admin


def test_bulk_share_and_meeting_size() -> None:
    p = DEFAULT_PROFILE
    assert p.bulk_share(1) == 1.0
    assert p.bulk_share(15) == 1.0
    assert p.bulk_share(150) == pytest.approx(0.1)
    assert p.meeting_size_factor(None) == 1.0
    assert p.meeting_size_factor(4) == 1.0
    assert p.meeting_size_factor(40) == pytest.approx(0.1)
