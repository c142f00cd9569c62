// The risk board (managers): single-threaded accounts by value at risk, filtered by tier,
// minimum value and who holds the thread, and the accounts going cold.
import { request } from "../api";
import { empty, h, link, money, personName, section } from "../dom";
import type { RiskQuery } from "../gql/graphql";
import { Risk } from "../queries";

type Row = RiskQuery["singleThreadedAccounts"]["edges"][number]["node"];

function holder(row: Row): string {
  const t = row.thread;
  return [t.member, t.contact].filter((p) => p).map((p) => personName(p!)).join(" / ");
}

function table(rows: Row[]): HTMLElement {
  if (!rows.length) return empty("No single-threaded account matches.");
  return h("table", { id: "threads" },
    h("thead", {}, h("tr", {}, ...["Account", "Tier", "Value at risk", "Thread", "Second thread"].map((c) => h("th", {}, c)))),
    h("tbody", {}, rows.map((r) => h("tr", { "data-domain": r.domain },
      h("td", {}, link(`/account/${encodeURIComponent(r.domain)}`, r.name ?? r.domain)),
      h("td", {}, r.tier ?? "—"),
      h("td", { class: "value" }, money(r.valueAtRisk)),
      h("td", { class: "holder" }, holder(r)),
      h("td", {}, r.secondThread ? personName(r.secondThread.member) : "—")))));
}

export async function riskScreen(): Promise<HTMLElement> {
  const params = new URLSearchParams(location.search);
  const tier = params.get("tier") || null;
  const min = params.get("min") ? Number(params.get("min")) : null;
  const who = (params.get("holder") ?? "").toLowerCase();
  const data = await request(Risk, { tier, minAnnualValue: min });
  const rows = data.singleThreadedAccounts.edges.map((e) => e.node).filter((r) => !who || holder(r).toLowerCase().includes(who));
  // Account.health in the same request: the accounts whose cold level is set.
  const cold = data.accounts.edges.map((e) => e.node).filter((a) => a.health?.cold.level);
  const filters = h("form", { id: "filters", method: "get", action: "/risk" },
    h("label", {}, "Tier ", h("input", { name: "tier", value: tier ?? "" })),
    h("label", {}, "Minimum value ", h("input", { name: "min", type: "number", value: min ?? "" })),
    h("label", {}, "Holder ", h("input", { name: "holder", value: who })),
    h("button", { type: "submit" }, "Filter"));
  return h("div", {}, h("h1", {}, "Risk board"), filters,
    section("Single-threaded accounts", table(rows)),
    section("Going cold", cold.length ? h("ul", { id: "cold" }, cold.map((a) =>
      h("li", { "data-domain": a.domain, "data-level": a.health!.cold.level! },
        link(`/account/${encodeURIComponent(a.domain)}`, a.name ?? a.domain),
        h("span", { class: "meta" }, ` ${a.health!.cold.level}+ days: ${a.health!.cold.reasons.join(" ")}`)))) : empty("No account is going cold.")));
}
