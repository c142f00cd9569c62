"""The firm's settings in the graph: the one place every process reads its domains from, and
where `tiegraph init` and the capture controls write them (rules: tiegraph/firm.py)."""

from collections.abc import Sequence

from graph.repository import GraphRepository
from tiegraph.errors import BadInput
from tiegraph.firm import FirmSettings, agreed_domains
from tiegraph.identity import normalise_domain


async def firm_domains(repo: GraphRepository, from_environment: Sequence[str]) -> tuple[str, ...]:
    """The stored firm domains; SetupRequired before init, or when `TIEGRAPH_FIRM_DOMAINS`
    (`from_environment`) disagrees with them. Every reader of the domains comes here."""
    return agreed_domains(await repo.firm_settings(), from_environment)


async def checked_firm(repo: GraphRepository, from_environment: Sequence[str]) -> FirmSettings:
    """The stored settings, after the same checks as `firm_domains` (for ingestion)."""
    firm = await repo.firm_settings()
    agreed_domains(firm, from_environment)
    return firm


def parse_domains(values: Sequence[str]) -> tuple[str, ...]:
    """Normalised domains in the given order (the first is where firm addresses fold to),
    without repeats; BadInput naming a bad one."""
    domains: list[str] = []
    for value in values:
        try:
            domain = normalise_domain(value)
        except ValueError as exc:
            raise BadInput(str(exc), location="--firm-domain") from exc
        if domain not in domains:
            domains.append(domain)
    if not domains:
        raise BadInput("give at least one domain", location="--firm-domain")
    return tuple(domains)


async def init_firm(
    repo: GraphRepository, values: Sequence[str], change: bool = False, force: bool = False
) -> tuple[FirmSettings, bool]:
    """Store the firm's domains; returns the settings and whether anything changed.

    The same domains again change nothing. Other domains need `change`; and when
    interactions are stored, `force` as well: people already stored keep the classification
    they got under the old domains (a member stays a member), so the honest way to reclassify
    them is to ingest again into an empty database.
    """
    domains = parse_domains(values)
    firm = await repo.firm_settings()
    if firm.domains == domains:
        return firm, False
    if firm.initialised and not change:
        raise BadInput(f"the firm is already {','.join(firm.domains)}; pass --change to replace "
                       "its domains", location="--firm-domain")  # fmt: skip
    if firm.initialised and not force and (stored := await repo.interaction_count()):
        raise BadInput(
            f"{stored:,} interactions were classified under {','.join(firm.domains)} and "
            "would keep that classification; empty the graph and ingest again, or pass "
            "--force to change the domains anyway",
            location="--firm-domain",
        )
    firm = firm.model_copy(update={"domains": domains})
    await repo.save_firm_settings(firm)
    return firm, True
