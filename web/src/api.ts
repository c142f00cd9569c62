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

type Variables<V> = V extends Record<string, never> ? [] : [V];

// Requests sent before the screen asks for them (while `me` is in flight), by document and
// variables; the screen's own request takes the answer instead of sending it again.
const early = new Map<string, Promise<unknown>>();

function key(document: { toString(): string }, variables: unknown): string {
  return `${document.toString()}\n${JSON.stringify(variables ?? {})}`;
}

export function prefetch<R, V>(document: TypedDocumentString<R, V>, ...[variables]: Variables<V>): void {
  const sent = send(document, variables);
  sent.catch(() => undefined); // a failure is reported to the screen that takes it
  early.set(key(document, variables), sent);
}

// Drop what was sent early (the token turned out to be bad: nothing may reuse those answers).
export function forgetPrefetched(): void {
  early.clear();
}

export async function request<R, V>(
  document: TypedDocumentString<R, V>,
  ...[variables]: Variables<V>
): Promise<R> {
  const k = key(document, variables);
  const sent = early.get(k);
  if (sent) {
    early.delete(k);
    return sent as Promise<R>;
  }
  return send(document, variables);
}

async function send<R, V>(document: TypedDocumentString<R, V>, variables: V | undefined): Promise<R> {
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
