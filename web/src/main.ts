// The explorer's shell: sign in, ask `me` who this is, draw the menu the role allows, and
// show the screen the URL names.
import "./style.css";
import { ApiError, forgetPrefetched, prefetch, request } from "./api";
import { isManager, type Viewer } from "./context";
import { h, link } from "./dom";
import { Account, Me } from "./queries";
import { interceptLinks, match, navigate, type Route } from "./router";
import { accountScreen } from "./screens/account";
import { contactScreen } from "./screens/contact";
import { departureScreen } from "./screens/departure";
import { feedScreen } from "./screens/feed";
import { riskScreen } from "./screens/risk";
import { searchScreen } from "./screens/search";
import { signInScreen } from "./screens/signin";
import { tieScreen } from "./screens/tie";
import { signOut, token } from "./session";

const routes: Route[] = [
  { pattern: /^\/$/, screen: searchScreen },
  { pattern: /^\/search$/, screen: searchScreen },
  { pattern: /^\/contact\/([^/]+)$/, screen: contactScreen },
  { pattern: /^\/account\/([^/]+)$/, screen: accountScreen, prefetch: ([domain]) => prefetch(Account, { domain: domain! }) },
  { pattern: /^\/tie\/([^/]+)\/([^/]+)$/, screen: tieScreen },
  { pattern: /^\/feed$/, screen: feedScreen },
  { pattern: /^\/risk$/, screen: riskScreen, managerOnly: true },
  { pattern: /^\/departure$/, screen: departureScreen, managerOnly: true },
];

const top = document.getElementById("top") as HTMLElement;
const main = document.getElementById("screen") as HTMLElement;

function menu(viewer: Viewer): HTMLElement {
  const items = [link("/search", "Search"), link("/feed", "Feed")];
  if (isManager(viewer)) items.push(link("/risk", "Risk board"), link("/departure", "Departures"));
  const out = h("button", { type: "button", onclick: () => { signOut(); location.assign("/"); } }, "Sign out");
  return h(
    "nav", {},
    h("strong", { class: "brand" }, "tiegraph"),
    ...items,
    h("a", { href: "/graphql", target: "_blank" }, "GraphiQL"),
    h("span", { class: "who", "data-role": viewer.role }, `${viewer.email} · ${viewer.role.toLowerCase()}`),
    out,
  );
}

async function show(viewer: Viewer): Promise<void> {
  const found = match(routes, location.pathname);
  main.replaceChildren(h("p", { class: "loading" }, "Loading…"));
  if (!found || (found.route.managerOnly && !isManager(viewer))) {
    // A rep never requests a manager screen's data: the screen is not even built.
    main.replaceChildren(h("h1", {}, "Not available"), h("p", { id: "denied" },
      found ? "This screen is for managers." : "There is no such screen."));
    return;
  }
  try {
    main.replaceChildren(await found.route.screen(found.params, viewer));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    main.replaceChildren(h("h1", {}, "Something went wrong"), h("p", { class: "error" }, message));
  }
}

async function start(): Promise<void> {
  interceptLinks(document.body);
  if (!token()) {
    top.replaceChildren();
    main.replaceChildren(signInScreen(() => void start()));
    return;
  }
  // A shared link's first screen: its data is on the way while `me` answers (a rep may read
  // any account; a manager-only screen waits for `me`).
  const first = match(routes, location.pathname);
  if (first && !first.route.managerOnly) first.route.prefetch?.(first.params);
  let viewer: Viewer;
  try {
    const { me } = await request(Me);
    viewer = { email: me.memberEmail, role: me.role };
  } catch (error) {
    forgetPrefetched();
    signOut();
    const why = error instanceof ApiError ? error.message : "the API did not answer";
    main.replaceChildren(signInScreen(() => void start(), why));
    return;
  }
  top.replaceChildren(menu(viewer));
  window.onpopstate = () => void show(viewer);
  if (location.pathname === "/signin") navigate("/");
  else await show(viewer);
}

void start();
