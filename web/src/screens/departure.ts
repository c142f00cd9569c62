// Departure impact (managers): pick a team member, see the contacts they alone hold, the
// accounts that lose coverage, the value at risk and who could take over.
import { request } from "../api";
import { empty, h, link, money, personName, section } from "../dom";
import { Departure, Members } from "../queries";
import { navigate } from "../router";

async function impact(member: string): Promise<HTMLElement> {
  const { departureImpact: d } = await request(Departure, { member });
  return h("div", { id: "impact" },
    h("h2", {}, `If ${personName(d.member)} left`),
    h("p", { id: "departure-value" }, `Value at risk: ${money(d.valueAtRisk)}`),
    section("Accounts that lose coverage", d.accounts.length ? h("table", { id: "accounts" }, h("tbody", {}, d.accounts.map((a) =>
      h("tr", { "data-domain": a.domain }, h("td", {}, link(`/account/${encodeURIComponent(a.domain)}`, a.name ?? a.domain)),
        h("td", {}, a.becomes === "UNCOVERED" ? "uncovered" : "single-threaded"), h("td", { class: "value" }, money(a.valueAtRisk)),
        h("td", {}, a.successor ? `successor: ${personName(a.successor.member)}` : "no successor"))))) : empty("No account loses coverage.")),
    section("Orphaned contacts", d.contacts.length ? h("table", { id: "orphans" }, h("tbody", {}, d.contacts.map((c) =>
      h("tr", { "data-contact": c.contact.email }, h("td", {}, link(`/contact/${encodeURIComponent(c.contact.email)}`, personName(c.contact))),
        h("td", {}, `${c.leaverScore.toFixed(1)} ${c.leaverLabel}`),
        h("td", {}, c.successor ? `successor: ${personName(c.successor.member)}` : "no successor"))))) : empty("Nobody would be orphaned.")));
}

export async function departureScreen(): Promise<HTMLElement> {
  const member = new URLSearchParams(location.search).get("member");
  const input = h("input", { id: "member", type: "search", placeholder: "Type a team member's name" }) as HTMLInputElement;
  const choices = h("ul", { id: "members", class: "hits" });
  input.addEventListener("input", async () => {
    const text = input.value;
    if (!text.trim()) return;
    const { search } = await request(Members, { text });
    if (text !== input.value) return;
    choices.replaceChildren(...search.filter((s) => s.kind === "MEMBER" && s.person).map((s) =>
      h("li", {}, h("a", { href: "#", onclick: (e: Event) => { e.preventDefault(); navigate(`/departure?member=${encodeURIComponent(s.person!.email)}`); } }, personName(s.person!)))));
  });
  return h("div", {}, h("h1", {}, "Departure impact"), h("label", { for: "member" }, "Who might leave? "), input, choices,
    member ? await impact(member) : h("p", { class: "meta" }, "Pick a team member to see what their departure would cost."));
}
