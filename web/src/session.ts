// The signed-in token lives in session storage only: it goes with the tab, never into a URL,
// a log or local storage. GraphiQL (same origin) reads it from here too.
const KEY = "tiegraph.token";

export function token(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signIn(value: string): void {
  sessionStorage.setItem(KEY, value.trim());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}

export function authHeader(): Record<string, string> {
  const value = token();
  return value ? { authorization: `Bearer ${value}` } : {};
}
