// A contact: who on the team knows them (ranked, with share and last touch as the role
// allows), interactions per month (the team's for a manager, my own for a rep) and my best
// warm-intro routes to them.
import { request } from "../api";
import { monthlyChart, timelineTitle } from "../chart";
import { isManager, type Viewer } from "../context";
import { day, empty, h, link, panel, personName, scoreBar, section } from "../dom";
import { Contact, ContactTimeline } from "../queries";
import { loadRoutes } from "./routes";

export async function contactScreen([email]: string[], viewer: Viewer): Promise<HTMLElement> {
  const contact = email!;
  const team = isManager(viewer);
  const { whoKnows, named } = await request(Contact, { email: contact });
  const name = named.find((hit) => hit.person?.email === contact)?.person?.name;
  const rows = whoKnows.map((tie, rank) =>
    h("tr", { "data-member": tie.member.email },
      h("td", {}, String(rank + 1)),
      h("td", {}, link(`/tie/${encodeURIComponent(tie.member.email)}/${encodeURIComponent(contact)}`, personName(tie.member))),
      h("td", {}, scoreBar(tie.strength.score, tie.strength.colour, tie.strength.label)),
      h("td", { class: "share" }, `${tie.share.toFixed(1)}%`),
      h("td", { class: "count" }, String(tie.interactionCount)),
      // Null for a rep on a colleague's tie: the API hides when they last spoke.
      h("td", { class: "last" }, day(tie.lastInteractionAt))));
  const table = whoKnows.length
    ? h("table", { id: "who-knows" },
        h("thead", {}, h("tr", {}, ...["#", "Team member", "Strength", "Share", "Interactions", "Last touch"].map((c) => h("th", {}, c)))),
        h("tbody", {}, rows))
    : empty("Nobody on the team knows them yet.");
  return h("div", {},
    h("h1", {}, name ?? contact), h("p", { class: "meta" }, contact),
    section("Who knows them", table),
    panel(timelineTitle(team), "timeline-panel", async () => {
      const { contactTimeline } = await request(ContactTimeline, { email: contact, team });
      return contactTimeline.length ? monthlyChart(contactTimeline) : empty("No interactions yet.");
    }),
    panel("My warm-intro routes", "routes", () => loadRoutes({ email: contact }, viewer.email)));
}
