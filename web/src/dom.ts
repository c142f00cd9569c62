// A few lines of DOM building instead of a framework: the screens are read-mostly pages, and
// the shipped weight stays with Cytoscape, the one library the app needs.
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.replace(/^on/, ""), value);
    else if (name === "style") element.setAttribute("style", String(value));
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function link(href: string, text: string, attrs: Attrs = {}): HTMLElement {
  return h("a", { href, "data-link": "", ...attrs }, text);
}

export function section(title: string, ...children: (Child | Child[])[]): HTMLElement {
  return h("section", {}, h("h2", {}, title), ...children);
}

export function empty(text: string): HTMLElement {
  return h("p", { class: "empty" }, text);
}

export function money(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value.toLocaleString("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
}

export function day(value: string | null | undefined): string {
  return value ? value.slice(0, 10) : "—";
}

export function personName(person: { email: string; name?: string | null }): string {
  return person.name ? `${person.name} <${person.email}>` : person.email;
}

export function scoreBar(score: number, colour: string, label: string): HTMLElement {
  return h(
    "span",
    { class: "bar", title: `${score} ${label}`, "data-score": score, "data-label": label },
    h("span", { class: "fill", style: `width:${Math.max(0, Math.min(100, score))}%;background:${colour}` }),
    h("span", { class: "bar-text" }, `${score.toFixed(1)} ${label}`),
  );
}

// A panel that loads on its own: its failure is shown in it, and the rest of the page stays.
export function panel(title: string, id: string, load: () => Promise<Node>): HTMLElement {
  const body = h("div", { id }, h("p", { class: "loading" }, "Loading…"));
  load().then(
    (content) => body.replaceChildren(content),
    (error: unknown) => body.replaceChildren(h("p", { class: "error" }, error instanceof Error ? error.message : String(error))),
  );
  return section(title, body);
}
