// Who is signed in, as `me` says: the screens and the menu decide from this alone.
import type { Role } from "./gql/graphql";

export interface Viewer {
  email: string;
  role: Role;
}

export function isManager(viewer: Viewer): boolean {
  return viewer.role === "MANAGER" || viewer.role === "ADMIN";
}
