"""A deterministic synthetic mbox for the ingestion benchmark, streamed to disk.

    python -m bench.mailbox [--messages 200000] [--seed 7] [--out PATH]

The same seed and size give the same bytes on every machine. The firm is `firm.test` with
300 team members; 2,000 accounts on `.example` domains have Zipf-skewed sizes (the largest
about a thousand contacts, the smallest one or two), about 20,000 contacts in all, a few on
free-mail. Conversations are threads (In-Reply-To/References, replies from either side,
some Cc's), about 3 participants a message, over the two years before `END`, dated in each
sender's time zone; about 5% of messages are noise (robot senders, List-Id newsletters,
Precedence: bulk, out-of-office replies) or invoices. Some display names are RFC 2047
encoded-words, some raw UTF-8, some "Last, First". Messages are written one at a time in
date order: only the threads still open are held in memory.
"""

import argparse
import heapq
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime, formataddr
from pathlib import Path
from random import Random
from typing import TextIO

FIRM_DOMAIN = "firm.test"
TEAM_SIZE = 300
ACCOUNTS = 2_000
CONTACTS = 20_000
# Fixed, so a seed always gives the same file; dates must not be in the parser's future.
END = datetime(2026, 11, 1, tzinfo=UTC)
SPAN = timedelta(days=730)
DEFAULT_MESSAGES = 200_000
DEFAULT_SEED = 7
OUT_DIR = Path(__file__).parent / "out"
# Bump when the output changes, so a cached file from older code is never reused.
FORMAT_VERSION = 1


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST = _words(
    "Ann Joe Kim Lou Ada Ben Cara Dan Eve Finn Gail Hugo Ines Jack Kate Liam Mia Noah Olga "
    "Paul Quinn Rosa Sam Tara Uma Vic Wes Xena Yara Zack Amir Bea Cole Dina Eli Faye Gus "
    "Hana Ivan Jill Kai Lena Milo Nia Omar Pia Raj Sara Theo Vera Will Yusuf Zoe Abel Cleo"
)
_LAST = _words(
    "Lee Moss Reed Shaw Hale Park Cruz Fox Gray Hunt Kerr Lang Nash Owen Pike Rowe Sims "
    "Tate Vance Wade York Bell Cole Dunn Ford Hart Kemp Lowe Marsh Noble Price Quinn Ross "
    "Stone Todd Webb Young Blake Crane Drake Ellis Frost Grant Hayes Irwin Jones Knox Lyons"
)
_INTERNATIONAL = (
    ("Jörg", "Müller"), ("Zoë", "Lefèvre"), ("Łukasz", "Wójcik"), ("José", "García"),
    ("Søren", "Kjærgård"), ("François", "Dupré"), ("Ana", "Gonçalves"), ("Çağla", "Yılmaz"),
    ("Hiroshi", "佐藤"), ("Ngọc", "Trần"), ("Björn", "Ångström"), ("Renée", "Dubois"),
)  # fmt: skip
_ACCOUNT_HEADS = _words(
    "north south east west blue red green silver iron oak pine river lake stone bright "
    "clear swift true prime apex summit harbor delta vertex cedar maple falcon eagle orbit "
    "nova terra atlas zen pixel quantum solid rapid metro urban alpine coral ember amber "
    "arctic bold crown dawn echo flint granite hollow ivory jade kite lumen mesa nimbus opal "
    "polar quartz ridge sable tidal"
)
_ACCOUNT_TAILS = _words(
    "logistics systems labs works partners capital health foods energy media software "
    "analytics robotics freight retail bank insurance pharma motors foundry studio networks "
    "dynamics ventures holdings supply textiles mining telecom group cloud data security "
    "chemicals aero marine"
)
_FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "gmx.de", "proton.me")
_TEAM_ZONES = (-5, -5, -5, -8, -8, 0, 0, 1, 8)
_CONTACT_ZONES = (-5, -8, -6, -3, 0, 0, 1, 1, 2, 5.5, 8, 9, 10)
_TOPICS = (
    "Proposal for {account}", "Q{q} renewal", "Intro: {account} x Firm", "Pricing question",
    "Follow-up on our call", "Next steps", "Contract redlines", "Security questionnaire",
    "Onboarding plan", "Quarterly business review", "Meeting notes {account}",
    "Expansion to the {account} EU team", "Reference call?", "Pilot results", "Roadmap",
)  # fmt: skip
_ENCODED_TOPICS = ("Grüße aus München", "Angebot für {account}", "Réunion de suivi", "Café?")
_BODY = (
    "Thanks for the quick turnaround.", "Attaching the latest version.",
    "Could we find 30 minutes next week?", "Looping in a colleague who owns this.",
    "From our side, everything is ready.", "Let me check with the team and revert.",
    "Happy to jump on a call.", "Please see my comments inline.",
)  # fmt: skip
_NOISE_KINDS = ("noreply", "newsletter", "bulk", "out-of-office", "invoice")
# Of all messages: noise (robots, lists, bulk, out-of-office) and invoices.
_NOISE_SHARE = 0.05
# Of new conversations: internal and free-mail ones; the rest are with accounts.
_INTERNAL_SHARE, _FREE_MAIL_SHARE = 0.08, 0.04
_REPLY_CHANCE = 0.6
_MAX_REFERENCES = 10


@dataclass(frozen=True)
class Person:
    """A mailbox owner: the header form of their address, the bare address and their zone."""

    header: str
    email: str
    zone: timezone


@dataclass
class Account:
    """A customer domain, its contacts (with activity weights) and the members who own it."""

    domain: str
    contacts: list[Person] = field(default_factory=list)
    cum_weights: list[float] = field(default_factory=list)
    owners: list[Person] = field(default_factory=list)


@dataclass
class Thread:
    """An open conversation: who is in it (ours and theirs) and the ids so far."""

    subject: str
    ours: list[Person]
    theirs: list[Person]
    last_sender: Person
    ids: list[str] = field(default_factory=list)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum()) or "x"


def _zone(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


def _asctime(when: datetime) -> str:
    return when.strftime("%a %b ") + f"{when.day:2d}" + when.strftime(" %H:%M:%S %Y")


class MailboxWriter:
    """Builds the people and accounts from the seed, then writes messages in date order."""

    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)
        self._taken: set[str] = set()
        self.team = [self._person(FIRM_DOMAIN, _TEAM_ZONES, 0.03) for _ in range(TEAM_SIZE)]
        self.accounts = self._accounts()
        self.account_weights = self._cumulative([1 / (i + 1) ** 0.8 for i in range(ACCOUNTS)])
        self.free_mail = [
            self._person(self.rng.choice(_FREE_MAIL), _CONTACT_ZONES, 0.1)
            for _ in range(CONTACTS * 3 // 100)
        ]
        self._open: list[tuple[datetime, int, Thread]] = []
        self._sequence = 0
        self._messages = 0

    @staticmethod
    def _cumulative(weights: list[float]) -> list[float]:
        total, out = 0.0, []
        for weight in weights:
            total += weight
            out.append(total)
        return out

    def _name(self, international: float) -> tuple[str, str]:
        if self.rng.random() < international:
            return self.rng.choice(_INTERNATIONAL)
        return self.rng.choice(_FIRST), self.rng.choice(_LAST)

    def _person(self, domain: str, zones: tuple[float, ...], international: float) -> Person:
        first, last = self._name(international)
        local = f"{_ascii(first)}.{_ascii(last)}"
        email, n = f"{local}@{domain}", 1
        while email in self._taken:
            n += 1
            email = f"{local}{n}@{domain}"
        self._taken.add(email)
        return Person(self._header(first, last, email), email, _zone(self.rng.choice(zones)))

    def _header(self, first: str, last: str, email: str) -> str:
        roll = self.rng.random()
        if roll < 0.05:
            return email
        name = f"{last}, {first}" if roll < 0.10 else f"{first} {last}"
        if not name.isascii() and roll < 0.3:
            return f'"{name}" <{email}>'  # raw UTF-8 (RFC 6532)
        return formataddr((name, email))  # encoded-words when the name is not ASCII

    def _accounts(self) -> list[Account]:
        names = [f"{h}{t}" for h in _ACCOUNT_HEADS for t in _ACCOUNT_TAILS]
        self.rng.shuffle(names)
        weights = [1 / (i + 1) ** 0.8 for i in range(ACCOUNTS)]
        scale = CONTACTS * 0.97 / sum(weights)
        accounts = []
        for name, weight in zip(names[:ACCOUNTS], weights, strict=True):
            account = Account(domain=f"{name}.example")
            size = max(1, round(weight * scale))
            account.contacts = [
                self._person(account.domain, _CONTACT_ZONES, 0.08) for _ in range(size)
            ]
            account.cum_weights = self._cumulative([1 / (j + 1) ** 0.7 for j in range(size)])
            account.owners = self.rng.sample(self.team, self.rng.choice((1, 1, 2, 3)))
            accounts.append(account)
        return accounts

    def write(self, out: TextIO, messages: int) -> None:
        """Write `messages` messages to `out`; the last one is dated close to END."""
        step = SPAN / messages
        start = END - SPAN
        for emitted in range(messages):
            clock = start + step * emitted
            if self.rng.random() < _NOISE_SHARE:
                out.write(self._noise(clock + step * self.rng.random()))
            elif self._open and self._open[0][0] <= clock:
                when, _, thread = heapq.heappop(self._open)
                out.write(self._reply(thread, when))
            else:
                out.write(self._new(clock + step * self.rng.random()))

    def _new(self, when: datetime) -> str:
        roll = self.rng.random()
        if roll < _INTERNAL_SHARE:
            ours = self.rng.sample(self.team, self.rng.choice((2, 2, 3)))
            thread = Thread(self._subject("Firm"), ours[:1], ours[1:], ours[0])
        elif roll < _INTERNAL_SHARE + _FREE_MAIL_SHARE:
            thread = self._thread(
                self.rng.choice(self.team), [self.rng.choice(self.free_mail)], "you"
            )
        else:
            thread = self._account_thread()
        return self._send(thread, thread.last_sender, when)

    def _account_thread(self) -> Thread:
        account = self.rng.choices(self.accounts, cum_weights=self.account_weights)[0]
        owner = self.rng.choice(account.owners if self.rng.random() < 0.9 else self.team)
        count = 2 if self.rng.random() < 0.4 and len(account.contacts) > 1 else 1
        theirs = list(
            dict.fromkeys(
                self.rng.choices(account.contacts, cum_weights=account.cum_weights, k=count)
            )
        )
        return self._thread(owner, theirs, account.domain.split(".")[0].title())

    def _thread(self, owner: Person, theirs: list[Person], account: str) -> Thread:
        ours = [owner]
        if self.rng.random() < 0.3:
            colleague = self.rng.choice(self.team)
            if colleague is not owner:
                ours.append(colleague)
        inbound = self.rng.random() < 0.35
        return Thread(self._subject(account), ours, theirs, theirs[0] if inbound else owner)

    def _subject(self, account: str) -> str:
        topics = _ENCODED_TOPICS if self.rng.random() < 0.03 else _TOPICS
        return self.rng.choice(topics).format(account=account, q=self.rng.randint(1, 4))

    def _reply(self, thread: Thread, when: datetime) -> str:
        other_side = thread.ours if thread.last_sender in thread.theirs else thread.theirs
        sender = self.rng.choice(other_side if self.rng.random() < 0.85 else thread.ours)
        return self._send(thread, sender, when)

    def _send(self, thread: Thread, sender: Person, when: datetime) -> str:
        everyone = [p for p in (*thread.ours, *thread.theirs) if p is not sender]
        previous = thread.last_sender if thread.ids else None
        to = [previous] if previous is not None and previous is not sender else []
        to = to or (thread.theirs if sender in thread.ours else thread.ours)[:1]
        cc = [p for p in everyone if p not in to]
        message_id = self._message_id(sender)
        headers = self._thread_headers(thread)
        thread.ids.append(message_id)
        thread.last_sender = sender
        subject = ("Re: " if len(thread.ids) > 1 else "") + thread.subject
        text = self._message(sender, to, cc, subject, when, message_id, headers)
        if self.rng.random() < _REPLY_CHANCE:
            delay = timedelta(hours=min(self.rng.lognormvariate(1.4, 1.2), 24 * 14))
            self._sequence += 1
            heapq.heappush(self._open, (when + delay, self._sequence, thread))
        return text

    def _thread_headers(self, thread: Thread) -> list[str]:
        if not thread.ids:
            return []
        references = "\n ".join(thread.ids[-_MAX_REFERENCES:])
        return [f"In-Reply-To: {thread.ids[-1]}", f"References: {references}"]

    def _message_id(self, sender: Person) -> str:
        domain = sender.email.rpartition("@")[2]
        host = f"mail.{domain}" if domain == FIRM_DOMAIN else domain
        self._messages += 1
        return f"<{self.rng.getrandbits(64):016x}.{self._messages}@{host}>"

    def _noise(self, when: datetime) -> str:
        kind = self.rng.choice(_NOISE_KINDS)
        member = self.rng.choice(self.team)
        account = self.rng.choices(self.accounts, cum_weights=self.account_weights)[0]
        contact = self.rng.choice(account.contacts)
        sender, subject, extra = contact, "Your weekly digest", []
        if kind == "noreply":
            robot = f"noreply@{account.domain}"
            sender = Person(f'"{account.domain}" <{robot}>', robot, contact.zone)
            subject = "Your report is ready"
        elif kind == "newsletter":
            extra = [f"List-Id: News <news.{account.domain}>"]
            extra.append(f"List-Unsubscribe: <https://{account.domain}/unsubscribe?u=1>")
        elif kind == "bulk":
            extra = ["Precedence: bulk"]
        elif kind == "out-of-office":
            subject = "Out of Office: Re: " + self.rng.choice(_TOPICS).format(account="", q=1)
            extra = ["Auto-Submitted: auto-replied"]
        else:
            subject = f"Invoice INV-{when.year}-{self.rng.randint(1, 9999):04d}"
        message_id = self._message_id(contact)
        return self._message(sender, [member], [], subject, when, message_id, extra)

    def _message(
        self,
        sender: Person,
        to: list[Person],
        cc: list[Person],
        subject: str,
        when: datetime,
        message_id: str,
        extra: list[str],
    ) -> str:
        envelope = sender.email
        recipient = to[0].email
        subject_header = subject if subject.isascii() else Header(subject, "utf-8").encode()
        lines = [
            f"From {envelope} {_asctime(when)}",
            f"Received: from mx.{envelope.rpartition('@')[2]} (mx [192.0.2.{when.second + 1}])",
            f"\tby mx.{FIRM_DOMAIN} with ESMTPS id {self.rng.getrandbits(48):012x}",
            f"\tfor <{recipient}>; {format_datetime(when)}",
            "MIME-Version: 1.0",
            f"Date: {format_datetime(when.astimezone(sender.zone))}",
            f"Message-ID: {message_id}",
            *extra,
            f"Subject: {subject_header}",
            f"From: {sender.header}",
            "To: " + ",\n ".join(p.header for p in to),
        ]
        if cc:
            lines.append("Cc: " + ", ".join(p.header for p in cc))
        lines += ['Content-Type: text/plain; charset="UTF-8"', "", *self._body(), "", ""]
        return "\n".join(lines)

    def _body(self) -> list[str]:
        lines = self.rng.sample(_BODY, self.rng.randint(1, 3))
        # mboxrd: a body line starting with "From " is written as ">From ".
        return [">" + line if line.startswith("From ") else line for line in lines]


def mailbox_path(messages: int, seed: int) -> Path:
    """Where the mailbox for this size and seed is kept under `bench/out/`."""
    return OUT_DIR / f"mailbox-v{FORMAT_VERSION}-{messages}-seed{seed}.mbox"


def write_mailbox(path: Path, messages: int = DEFAULT_MESSAGES, seed: int = DEFAULT_SEED) -> Path:
    """Write the mailbox to `path` (through a temporary name, so a cut run leaves none)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        MailboxWriter(seed).write(out, messages)
    partial.rename(path)
    return path


def ensure_mailbox(messages: int = DEFAULT_MESSAGES, seed: int = DEFAULT_SEED) -> Path:
    """The mailbox for this size and seed, written first unless an earlier run left it."""
    path = mailbox_path(messages, seed)
    return path if path.exists() else write_mailbox(path, messages, seed)


def main() -> None:
    """Command line: write one mailbox and say where."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=DEFAULT_MESSAGES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    path = write_mailbox(
        args.out or mailbox_path(args.messages, args.seed), args.messages, args.seed
    )
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB, {args.messages:,} messages)")


if __name__ == "__main__":
    main()
