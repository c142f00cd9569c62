// Interactions per month as stacked bars, one colour per kind: a small inline SVG, so the
// picture costs no library and scales with the page.
const KIND_COLOUR: Record<string, string> = {
  email: "#0969da", meeting: "#8250df", call: "#1a7f37", note: "#9a6700",
};
const SVG = "http://www.w3.org/2000/svg";

export interface Month { month: string; total: number; counts: { kind: string; count: number }[] }

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function monthlyChart(months: Month[]): SVGElement {
  const width = 760, height = 180, bottom = 20, left = 28;
  const peak = Math.max(1, ...months.map((m) => m.total));
  const step = (width - left) / Math.max(1, months.length);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height + 40}`, width: "100%", role: "img", id: "timeline" });
  svg.append(el("text", { x: 0, y: 10, "font-size": 10, fill: "#57606a" }, String(peak)));
  months.forEach((m, i) => {
    const group = el("g", { class: "month", "data-month": m.month, "data-total": m.total });
    let y = height;
    for (const { kind, count } of m.counts) {
      const h = (count / peak) * (height - bottom);
      y -= h;
      group.append(el("rect", { x: left + i * step + 1, y, width: Math.max(1, step - 2), height: h, fill: KIND_COLOUR[kind] ?? "#57606a" },));
    }
    group.append(el("title", {}, `${m.month}: ${m.counts.map((c) => `${c.count} ${c.kind}`).join(", ") || "none"}`));
    if (i % Math.ceil(months.length / 12) === 0) {
      group.append(el("text", { x: left + i * step, y: height + 14, "font-size": 10, fill: "#57606a" }, m.month));
    }
    svg.append(group);
  });
  Object.entries(KIND_COLOUR).forEach(([kind, colour], i) => {
    svg.append(el("rect", { x: left + i * 90, y: height + 26, width: 10, height: 10, fill: colour }));
    svg.append(el("text", { x: left + i * 90 + 14, y: height + 35, "font-size": 11 }, kind));
  });
  return svg;
}

// The timeline panel of a contact or an account: the team's for a manager, the signed-in
// member's own otherwise (the API would refuse a rep the team's).
export function timelineTitle(team: boolean): string {
  return team ? "The team's interactions per month" : "My interactions per month";
}
