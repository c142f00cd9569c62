// The attention feed: a rep's own, the whole team's for a manager; each item links to what it
// is about.
import { request } from "../api";
import { isManager, type Viewer } from "../context";
import { empty, h, link, money, personName } from "../dom";
import { Feed } from "../queries";

export async function feedScreen(_: string[], viewer: Viewer): Promise<HTMLElement> {
  const team = isManager(viewer);
  const { attentionFeed } = await request(Feed, { team });
  const items = attentionFeed.map((item) =>
    h("li", { class: `item ${item.severity.toLowerCase()}`, "data-kind": item.kind },
      h("span", { class: "severity" }, item.severity), " ",
      h("span", { class: "reason" }, item.reason),
      h("div", { class: "meta" }, item.nextStep,
        item.contact ? [" · ", link(`/contact/${encodeURIComponent(item.contact.email)}`, personName(item.contact))] : null,
        item.accountDomain ? [" · ", link(`/account/${encodeURIComponent(item.accountDomain)}`, item.accountDomain)] : null,
        item.valueAtRisk ? ` · ${money(item.valueAtRisk)} at risk` : null)));
  return h("div", {}, h("h1", {}, team ? "The team's attention feed" : "My attention feed"),
    items.length ? h("ol", { id: "feed" }, items) : empty("Nothing needs attention."));
}
