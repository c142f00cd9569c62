// The label colours of scoring/strength.py, for the places where the API gives a label but no
// colour (route hops). Strength.colour is used wherever the API gives one.
import type { TieLabel } from "./gql/graphql";

export const LABEL_COLOUR: Record<TieLabel, string> = {
  STRONG: "#1a7f37",
  GOOD: "#4ac26b",
  MODERATE: "#d4a72c",
  WEAK: "#e16f24",
  MINIMAL: "#8c959f",
};
