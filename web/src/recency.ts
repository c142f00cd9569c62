// How recent a tie is, as a colour band on the map. Where the API gives the last interaction's
// time (your own ties; every tie for a manager) the band comes from it; elsewhere it gives only
// whether there was an interaction in the last 90 days (the one recency a rep sees on a
// colleague's tie), and the band is no finer than that.
export type Recency = "d30" | "d90" | "y1" | "older" | "quiet";

export const RECENCY: Record<Recency, { colour: string; text: string }> = {
  d30: { colour: "#1a7f37", text: "within 30 days" },
  d90: { colour: "#4ac26b", text: "within 90 days" },
  y1: { colour: "#d4a72c", text: "90 days to a year ago" },
  older: { colour: "#8c959f", text: "over a year ago" },
  quiet: { colour: "#c8a2c8", text: "over 90 days ago (no dates: not your tie)" },
};

const DAY_MS = 86_400_000;

export function recencyOf(lastAt: string | null | undefined, recentlyActive: boolean, now: number): Recency {
  if (!lastAt) return recentlyActive ? "d90" : "quiet";
  const days = (now - Date.parse(lastAt)) / DAY_MS;
  if (days <= 30) return "d30";
  if (days <= 90) return "d90";
  return days <= 365 ? "y1" : "older";
}
