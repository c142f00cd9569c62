// One tie: score, label, trend, the components with their sentences, the evidence and a chart
// of interactions per month by kind.
import { request } from "../api";
import { monthlyChart } from "../chart";
import type { Viewer } from "../context";
import { day, empty, h, link, personName, scoreBar, section } from "../dom";
import { Tie } from "../queries";

export async function tieScreen([member, contact]: string[]): Promise<HTMLElement> {
  const { tie } = await request(Tie, { member: member!, contact: contact! });
  const s = tie.strength;
  const e = s.evidence;
  return h("div", {},
    h("h1", {}, `${personName(tie.member)} and `, link(`/contact/${encodeURIComponent(tie.contact.email)}`, personName(tie.contact))),
    h("p", { id: "score" }, scoreBar(s.score, s.colour, s.label), h("span", { class: "trend" }, ` trend: ${s.trend.toLowerCase()}`)),
    section("Interactions per month",
      // Null for a rep on a colleague's tie: the API keeps its dates to the holder.
      tie.timeline ? monthlyChart(tie.timeline) : empty("Only the holder of this tie and managers see when its interactions happened.")),
    section("Why this score", h("ul", { id: "components" }, s.components.map((c) =>
      h("li", {}, h("strong", {}, c.name), ` ${c.value === null || c.value === undefined ? "" : c.value.toFixed(2)} `, c.explanation ?? "")))),
    section("Evidence", h("dl", { id: "evidence" },
      h("dt", {}, "Interactions"), h("dd", {}, String(e.interactionCount)),
      h("dt", {}, "First and last"), h("dd", {}, `${day(e.firstAt)} – ${day(e.lastAt)}`),
      h("dt", {}, "Median reply"), h("dd", {}, e.medianReply ?? "—"),
      h("dt", {}, "By kind"), h("dd", {}, e.counts.map((k) => `${k.kind}: ${k.count}`).join(", ")))));
}
export type { Viewer };
