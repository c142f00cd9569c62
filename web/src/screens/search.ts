// Search people and accounts as you type. Only the answer to the latest text is drawn, so a
// slow early answer never replaces a newer one.
import { request } from "../api";
import { isManager, type Viewer } from "../context";
import { empty, h, link, money } from "../dom";
import type { SearchQuery } from "../gql/graphql";
import { Search } from "../queries";

type Hit = SearchQuery["search"][number];
const DEBOUNCE_MS = 120;

function hitRow(hit: Hit, viewer: Viewer): HTMLElement {
  if (hit.account) {
    const a = hit.account;
    return h("li", { class: "hit", "data-kind": hit.kind },
      link(`/account/${encodeURIComponent(a.domain)}`, a.name ?? a.domain),
      h("span", { class: "meta" }, ` account · ${a.domain} · ${a.tier ?? "no tier"} · ${money(a.annualValue)}`));
  }
  const p = hit.person!;
  const label = p.name ? `${p.name} <${p.email}>` : p.email;
  const target = hit.kind === "CONTACT" ? link(`/contact/${encodeURIComponent(p.email)}`, label)
    : isManager(viewer) ? link(`/departure?member=${encodeURIComponent(p.email)}`, label)
    : h("span", {}, label);
  const what = hit.kind === "MEMBER" ? `team member${p.team ? ` · ${p.team}` : ""}` : "contact";
  return h("li", { class: "hit", "data-kind": hit.kind }, target, h("span", { class: "meta" }, ` ${what}`));
}

export async function searchScreen(_: string[], viewer: Viewer): Promise<HTMLElement> {
  const input = h("input", {
    id: "search", type: "search", autocomplete: "off", autofocus: true,
    placeholder: "A name, an email address or a domain",
  }) as HTMLInputElement;
  const results = h("ul", { id: "results", class: "hits" });
  let latest = 0;
  let timer: number | undefined;
  const run = async (text: string, asked: number): Promise<void> => {
    if (!text.trim()) { results.replaceChildren(); return; }
    const { search } = await request(Search, { text, first: 20 });
    if (asked !== latest) return;
    results.replaceChildren(...(search.length ? search.map((hit) => hitRow(hit, viewer)) : [empty("Nothing matches.")]));
    results.dataset.text = text;
  };
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const asked = ++latest;
    timer = window.setTimeout(() => void run(input.value, asked), DEBOUNCE_MS);
  });
  return h("div", {}, h("h1", {}, "Search"), h("label", { for: "search" }, "Who or what are you looking for?"), input, results);
}
