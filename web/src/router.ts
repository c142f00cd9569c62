// Screens by path, in the browser's history: every screen has a URL that can be shared (the
// server answers any such path with the app). A token never goes into one.
import type { Viewer } from "./context";

export type Screen = (params: string[], viewer: Viewer) => Promise<HTMLElement>;

export interface Route {
  pattern: RegExp;
  screen: Screen;
  managerOnly?: boolean;
  // Sends the screen's main request before `me` answers (never for manager-only screens).
  prefetch?: (params: string[]) => void;
}

export function match(routes: Route[], path: string): { route: Route; params: string[] } | null {
  for (const route of routes) {
    const found = route.pattern.exec(path);
    if (found) return { route, params: found.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return null;
}

export function navigate(path: string): void {
  history.pushState(null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

// Links marked data-link change screens without reloading the page.
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener("click", (event) => {
    const target = (event.target as HTMLElement).closest("a[data-link]");
    if (!(target instanceof HTMLAnchorElement) || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    navigate(target.getAttribute("href") ?? "/");
  });
}
