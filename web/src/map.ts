// The account's relationship map, drawn with Cytoscape.js: team members and contacts as
// nodes; member→contact ties and contact↔contact ties as edges, thicker when stronger and
// coloured by recency (as finely as the role may see: recency.ts); hubs (highest PageRank) and
// brokers (betweenness) marked. Clicking a contact opens their page.
import cytoscape from "cytoscape";
import type { TieLabel } from "./gql/graphql";
import { RECENCY, type Recency } from "./recency";

export interface MapNode { id: string; label: string; kind: "member" | "contact"; hub?: boolean; broker?: boolean; weight?: number }
// `member`: a member→contact tie (its own class, for styling).
export interface MapEdge { source: string; target: string; score: number; label: TieLabel; recency: Recency; member?: boolean }

// Below this many nodes a force layout (cose: Cytoscape's own, no extra package) reads best;
// above it, it costs seconds (it is quadratic per iteration), so rings by weight are drawn
// instead: hubs in the middle, team members outside.
const FORCE_LAYOUT_MAX_NODES = 60;

function layoutFor(count: number): cytoscape.LayoutOptions {
  if (count <= FORCE_LAYOUT_MAX_NODES) {
    return { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 8000 };
  }
  // Fitted by `fitNodes` instead of the layout: the layout's fit measures every label.
  return {
    name: "concentric", animate: false, minNodeSpacing: 6, fit: false,
    concentric: (node: cytoscape.NodeSingular) => (node.hasClass("member") ? 0 : 1 + Number(node.data("weight") ?? 0)),
    levelWidth: () => 1,
  };
}

// Zoom and pan so that every node is in view, from the nodes' own boxes: on a large map
// Cytoscape's fit spent a sixth of the page's time measuring the labels for the same answer.
function fitNodes(cy: cytoscape.Core, container: HTMLElement, padding = 30): void {
  const box = cy.nodes().boundingBox({ includeLabels: false, includeOverlays: false });
  const width = container.clientWidth || 1, height = container.clientHeight || 1;
  const zoom = Math.min((width - 2 * padding) / Math.max(1, box.w), (height - 2 * padding) / Math.max(1, box.h));
  cy.viewport({
    zoom,
    pan: { x: (width - zoom * (box.x1 + box.x2)) / 2, y: (height - zoom * (box.y1 + box.y2)) / 2 },
  });
}

export function drawMap(container: HTMLElement, nodes: MapNode[], edges: MapEdge[], open: (id: string) => void): void {
  const cy = cytoscape({
    container,
    elements: [
      ...nodes.map((n) => ({ data: { ...n }, classes: [n.kind, n.hub ? "hub" : "", n.broker ? "broker" : ""].join(" ") })),
      ...edges.map((e, i) => ({
        data: { id: `e${i}`, source: e.source, target: e.target, width: 1 + e.score / 15, colour: RECENCY[e.recency].colour },
        classes: e.member ? "member-tie" : "",
      })),
    ],
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 9, width: 18, height: 18, "background-color": "#57606a" } },
      { selector: "node.member", style: { shape: "round-rectangle", "background-color": "#0969da" } },
      { selector: "node.hub", style: { width: 30, height: 30, "border-width": 3, "border-color": "#8250df" } },
      { selector: "node.broker", style: { shape: "diamond" } },
      // Haystack edges: straight, no curve or arrow to compute; a large account has some 800
      // (two people share at most one tie, so no bundled curves are needed to tell them apart).
      { selector: "edge", style: { width: "data(width)", "line-color": "data(colour)", opacity: 0.8, "curve-style": "haystack" } },
    ],
    layout: layoutFor(nodes.length),
  });
  if (nodes.length > FORCE_LAYOUT_MAX_NODES) fitNodes(cy, container);
  cy.on("tap", "node.contact", (event) => open(String(event.target.id())));
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.edges = String(cy.edges().length);
  // Edges per recency band, as drawn: what the browser tests compare with the API's answer.
  const bands: Partial<Record<Recency, number>> = {};
  for (const e of edges) bands[e.recency] = (bands[e.recency] ?? 0) + 1;
  container.dataset.recency = JSON.stringify(bands);
  performance.mark("tiegraph:map-drawn");
}
