// Warm-intro routes, shared by the contact and account pages: each hop with its evidence
// sentence, and an intro request to the first colleague ready to copy.
import { request } from "../api";
import { empty, h, personName, scoreBar } from "../dom";
import type { HopKind, TieLabel } from "../gql/graphql";
import { LABEL_COLOUR } from "../labels";
import { Routes } from "../queries";

interface Who { email: string; name?: string | null }
interface Hop { from: Who; to: Who; kind: HopKind; score: number; label: TieLabel; explanation: string | null }
export interface RouteView { target: Who; strength: number; hops: Hop[] }

function introRequest(route: RouteView, me: string): string | null {
  // Direct routes need no introduction; otherwise ask the colleague of the first hop.
  const ask = route.hops.find((hop) => hop.from.email === me && hop.kind !== "KNOWS");
  if (!ask) return null;
  const colleague = ask.to.name?.split(" ")[0] ?? ask.to.email;
  const target = route.target.name ?? route.target.email;
  const via = route.hops.length > 2 ? ` (through ${personName(route.hops[1]!.to)})` : "";
  return `Hi ${colleague}, could you introduce me to ${target}${via}? ` +
    `I'd like to reach out and your relationship would help a lot. Thanks!`;
}

function hopRow(hop: Hop): HTMLElement {
  return h("li", { class: "hop", "data-kind": hop.kind },
    h("span", {}, `${personName(hop.from)} → ${personName(hop.to)} `),
    scoreBar(hop.score, LABEL_COLOUR[hop.label], hop.label),
    // Null on a colleague's tie for a rep: its sentence would date their interactions.
    hop.explanation === null
      ? h("div", { class: "evidence meta" }, "Their tie: its details are for them and managers.")
      : h("div", { class: "evidence" }, hop.explanation));
}

function routeCard(route: RouteView, me: string, index: number): HTMLElement {
  const text = introRequest(route, me);
  const copy = text ? h("button", { type: "button", class: "copy", onclick: () => void navigator.clipboard?.writeText(text) }, "Copy intro request") : null;
  return h("li", { class: "route", "data-strength": route.strength },
    h("h3", {}, `Route ${index + 1} to ${personName(route.target)} · strength ${(route.strength * 100).toFixed(1)}%`),
    h("ol", { class: "hops" }, route.hops.map(hopRow)),
    text ? h("blockquote", { class: "intro" }, text) : h("p", { class: "meta" }, "You know them yourself: no introduction needed."),
    copy);
}

export function routesList(routes: RouteView[], me: string): HTMLElement {
  if (!routes.length) return empty("No warm route found from you.");
  return h("ol", { class: "routes" }, routes.map((r, i) => routeCard(r, me, i)));
}

export async function loadRoutes(target: { email?: string; domain?: string }, me: string): Promise<HTMLElement> {
  const { warmIntroRoutes } = await request(Routes, {
    email: target.email ?? null, domain: target.domain ?? null, first: target.email ? 3 : 5,
  });
  return routesList(warmIntroRoutes, me);
}
