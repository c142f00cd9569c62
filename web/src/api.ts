// The one way the app talks to tiegraph: POST /graphql on the same origin, typed by the
// documents graphql-codegen generated from schema.graphql.
import type { TypedDocumentString } from "./gql/graphql";
import { authHeader } from "./session";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string };
}

export async function request<R, V>(
  document: TypedDocumentString<R, V>,
  ...[variables]: V extends Record<string, never> ? [] : [V]
): Promise<R> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...authHeader() },
    body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
  });
  const body = (await response.json()) as { data?: R; errors?: GraphQLErrorBody[] };
  const first = body.errors?.[0];
  if (first) {
    throw new ApiError(first.message, first.extensions?.code ?? null);
  }
  if (!body.data) {
    throw new ApiError(`the API answered ${response.status} without data`, null);
  }
  return body.data;
}
