"""Who is who: address normalisation and the TeamMember/Contact/Account split."""

import re
from collections.abc import Iterable, Mapping
from email.utils import parseaddr

from tiegraph.domain import PersonKind
from tiegraph.errors import BadInput

# Free-mail and ISP domains: people there are contacts with no account. Kept short and
# conservative; a domain missing here only means one spurious single-person "account".
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "yahoo.co.uk", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com",
        "proton.me", "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com",
        "zoho.com", "yandex.com", "yandex.ru", "fastmail.com", "hey.com", "qq.com", "163.com",
        "orange.fr", "free.fr", "laposte.net", "libero.it", "t-online.de", "comcast.net",
    }
)  # fmt: skip


# Whitespace and control characters (a NUL, say) are never part of a stored address.
_UNPRINTABLE = re.compile(r"[\s\x00-\x1f\x7f]")


def normalise_address(raw: str) -> str | None:
    """The bare, lower-cased address in `raw` (which may carry a display name), or None."""
    _, address = parseaddr(raw.strip())
    address = address.strip().strip("<>").lower()
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or _UNPRINTABLE.search(address):
        return None
    return address


def display_name(raw: str) -> str | None:
    """The display name in `"Ann Lee" <ann@firm.com>`, or None when there is none."""
    name, _ = parseaddr(raw.strip())
    return name.strip() or None


def domain_of(address: str) -> str:
    """The domain part of a normalised address."""
    return address.rpartition("@")[2]


def person_kind(address: str, firm_domains: frozenset[str]) -> PersonKind:
    """TeamMember for an address on one of the firm's domains (or a subdomain), else Contact."""
    domain = domain_of(address)
    for firm in firm_domains:
        if domain == firm or domain.endswith("." + firm):
            return PersonKind.TEAM_MEMBER
    return PersonKind.CONTACT


def canonical_address(
    address: str, firm_domains: tuple[str, ...], aliases: Mapping[str, str]
) -> str:
    """The one address tiegraph keeps for the person behind `address`.

    In order: an explicit alias (from an alias file) wins; a `+tag` is dropped from the local
    part (ann+crm@acme.com is ann@acme.com); and an address on any firm domain or subdomain
    is moved to the first firm domain (ann@eu.firm.com is ann@firm.com). Nothing else is
    guessed: two contacts who share a name stay two people.
    """
    if address in aliases:
        return aliases[address]
    local, _, domain = address.rpartition("@")
    local = local.split("+", 1)[0] or local
    if firm_domains and person_kind(address, frozenset(firm_domains)) is PersonKind.TEAM_MEMBER:
        domain = firm_domains[0]
    resolved = f"{local}@{domain}"
    return aliases.get(resolved, resolved)


def account_domain(address: str) -> str | None:
    """The account a contact's address points at, or None for free-mail addresses."""
    domain = domain_of(address)
    return None if domain in FREE_MAIL_DOMAINS else domain


def parse_address(raw: str) -> str:
    """`normalise_address`, or ValueError when `raw` holds no email address (for validators)."""
    address = normalise_address(raw)
    if address is None:
        raise ValueError(f"{raw!r} is not an email address")
    return address


def require_address(raw: str, field: str) -> str:
    """`normalise_address`, or BadInput naming `field`: for addresses a caller typed."""
    try:
        return parse_address(raw)
    except ValueError as exc:
        raise BadInput(str(exc), location=field) from exc


def lookup_address(raw: str, field: str, firm_domains: Iterable[str]) -> str:
    """The address ingestion would have stored for `raw`, which a caller typed (a GraphQL
    argument, a CLI option): `require_address`, then `canonical_address`'s tag and firm-domain
    rules, so `ann+crm@acme.com` finds the `ann@acme.com` that the mail made. Aliases live in
    the graph and are left to the query. BadInput names `field`."""
    return canonical_address(require_address(raw, field), tuple(firm_domains), {})


def normalise_domain(value: str) -> str:
    """A bare, lower-case domain from "https://www.Acme.com/about" or "@acme.com"."""
    domain = value.strip().lower()
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", domain)
    domain = domain.split("/", 1)[0].lstrip("@").removeprefix("www.").rstrip(".")
    if "." not in domain or not re.fullmatch(r"[a-z0-9.-]+", domain):
        raise ValueError(f"{value!r} is not a domain")
    return domain
