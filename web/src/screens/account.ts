// An account: its facts, health (managers), interactions per month (the team's for a manager,
// my own for a rep), the contacts and who knows each, the relationship map and my entry
// routes. Health and the timeline are their own requests, so a rep's page never asks for
// what a rep may not see.
import { request } from "../api";
import { isManager, type Viewer } from "../context";
import { empty, h, link, money, panel, personName, scoreBar, section } from "../dom";
import type { AccountQuery } from "../gql/graphql";
import { drawMap, type MapEdge, type MapNode } from "../map";
import { monthlyChart, timelineTitle } from "../chart";
import { AccountHealth, AccountTimeline } from "../queries";
import { Account } from "../queries";
import { RECENCY, recencyOf } from "../recency";
import { navigate } from "../router";
import { loadRoutes } from "./routes";

type Data = AccountQuery;

export function mapElements(data: Data): { nodes: MapNode[]; edges: MapEdge[] } {
  const map = data.influenceMap;
  const ranked = [...map.nodes].sort((a, b) => b.pagerank - a.pagerank);
  const hubs = new Set(ranked.slice(0, Math.min(3, ranked.length)).map((n) => n.contact.email));
  const nodes: MapNode[] = map.nodes.map((n) => ({
    id: n.contact.email, label: n.contact.name ?? n.contact.email, kind: "contact",
    hub: hubs.has(n.contact.email), broker: n.betweenness > 0, weight: Math.round(n.pagerank * 100),
  }));
  const known = new Set(nodes.map((n) => n.id));
  const now = Date.now();
  const edges: MapEdge[] = map.edges.map((e) => ({
    source: e.source.email, target: e.target.email, score: e.weight, label: e.label,
    recency: recencyOf(e.lastInteractionAt, e.recentlyActive, now),
  }));
  for (const { node } of data.account.contacts.edges) {
    if (!known.has(node.contact.email)) {
      known.add(node.contact.email);
      nodes.push({ id: node.contact.email, label: node.contact.name ?? node.contact.email, kind: "contact" });
    }
    for (const tie of node.knownBy) {
      if (!known.has(tie.member.email)) {
        known.add(tie.member.email);
        nodes.push({ id: tie.member.email, label: tie.member.name ?? tie.member.email, kind: "member" });
      }
      edges.push({
        source: tie.member.email, target: node.contact.email, score: tie.strength.score, label: tie.strength.label,
        recency: recencyOf(tie.lastInteractionAt, tie.recentlyActive, now), member: true,
      });
    }
  }
  return { nodes, edges };
}

async function healthPanel(domain: string): Promise<HTMLElement> {
  const { accountHealth: a } = await request(AccountHealth, { domain });
  const thread = a.singleThreaded;
  const threadText = thread
    ? `Single-threaded through ${[thread.member, thread.contact].filter((p) => p).map((p) => personName(p!)).join(" and ")}`
    : "More than one thread";
  return h("div", { id: "health" },
    h("dl", {},
      h("dt", {}, "Coverage"), h("dd", { id: "coverage" }, a.coverage.met === null ? "no standard for this tier" : a.coverage.met ? "meets the standard" : "below the standard"),
      ...a.coverage.gaps.map((g) => h("dd", { class: "gap" }, g)),
      h("dt", {}, "Threads"), h("dd", { id: "thread" }, threadText),
      h("dt", {}, "Value at risk"), h("dd", { id: "value-at-risk" }, money(a.valueAtRisk)),
      h("dt", {}, "Going cold"), h("dd", { id: "cold" }, a.cold.level === null ? "no" : `${a.cold.level}+ days without a two-way exchange`),
      ...a.cold.reasons.map((r) => h("dd", { class: "reason" }, r)),
      h("dt", {}, "Champions"), h("dd", { id: "champions" }, a.champions.map((c) => personName(c.contact)).join(", ") || "none"),
      h("dt", {}, "Moved"),
      h("dd", { id: "moved" }, [...a.departedChampions.map((m) => m.reason), ...a.arrivingChampions.map((m) => m.reason)].join(" ") || "nobody")));
}

async function timelinePanel(domain: string, team: boolean): Promise<Node> {
  const { accountTimeline } = await request(AccountTimeline, { domain, team });
  return accountTimeline.length ? monthlyChart(accountTimeline) : empty("No interactions yet.");
}

export async function accountScreen([domain]: string[], viewer: Viewer): Promise<HTMLElement> {
  const data = await request(Account, { domain: domain! });
  performance.mark("tiegraph:account-data");
  const account = data.account;
  const mapBox = h("div", { id: "map", class: "map" });
  // Cytoscape measures its container: draw once the page is in the document. The other
  // panels ask for their data once the map is drawn, so their answers and their drawing do
  // not compete with the map's for the machine (a large account's map is the page's cost).
  const { nodes, edges } = mapElements(data);
  const drawn = new Promise<void>((resolve) => requestAnimationFrame(() => {
    try {
      drawMap(mapBox, nodes, edges, (id) => navigate(`/contact/${encodeURIComponent(id)}`));
    } finally {
      resolve();
    }
  }));
  const afterMap = (load: () => Promise<Node>) => () => drawn.then(load);
  const team = isManager(viewer);
  const contacts = account.contacts.edges.map(({ node }) =>
    h("li", { "data-contact": node.contact.email },
      link(`/contact/${encodeURIComponent(node.contact.email)}`, personName(node.contact)),
      h("ul", { class: "known-by" }, node.knownBy.map((tie) => h("li", {}, `${personName(tie.member)} `, scoreBar(tie.strength.score, tie.strength.colour, tie.strength.label))))));
  return h("div", {},
    h("h1", {}, account.name ?? account.domain),
    h("p", { class: "meta", id: "facts" }, `${account.domain} · ${account.tier ?? "no tier"} · ${money(account.annualValue)} a year`),
    team ? panel("Health", "health-panel", afterMap(() => healthPanel(account.domain))) : null,
    panel(timelineTitle(team), "timeline-panel", afterMap(() => timelinePanel(account.domain, team))),
    section("Relationship map",
      h("p", { class: "meta" }, "Blue squares: team members. Large ringed: hubs; diamonds: brokers. Thicker is stronger; colour is how recent the last interaction is:"),
      h("ul", { class: "legend", id: "recency-legend" }, Object.values(RECENCY).map((r) =>
        h("li", {}, h("span", { class: "swatch", style: `background:${r.colour}` }), r.text))),
      mapBox),
    section("Contacts and who knows them", contacts.length ? h("ul", { id: "contacts" }, contacts) : empty("No contacts yet.")),
    panel("My ways in", "routes", afterMap(() => loadRoutes({ domain: account.domain }, viewer.email))));
}
