// Sign in with an API token (`tiegraph token create` or an admin's createToken).
import { h } from "../dom";
import { signIn } from "../session";

export function signInScreen(done: () => void, problem?: string): HTMLElement {
  const input = h("input", {
    id: "token", type: "password", autocomplete: "off", placeholder: "tg_…", required: true,
  }) as HTMLInputElement;
  const form = h(
    "form", { class: "signin" },
    h("h1", {}, "Sign in to tiegraph"),
    h("p", {}, "Paste the API token you were given. It stays in this tab only."),
    problem ? h("p", { class: "error" }, `That token did not work: ${problem}`) : null,
    h("label", { for: "token" }, "Token"), input,
    h("button", { type: "submit" }, "Sign in"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    signIn(input.value);
    done();
  });
  return form;
}
