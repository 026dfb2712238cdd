// Small DOM helpers every web page's script uses (the chat page, the jobs dashboard).

/** The element with this id; throws when the page lacks it (a markup/script mismatch, found on first run). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

/**
 * A form's submit handler with the default (navigation) prevented, the form's fields as trimmed strings
 * and the value of the button that submitted it ("" when none).
 *
 * @example onSubmit("login-form", async (field, form, action) => { … field("email") … });
 */
export function onSubmit(
  id: string,
  handler: (field: (name: string) => string, form: HTMLFormElement, submitter: string) => Promise<void>,
): void {
  byId<HTMLFormElement>(id).addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    void handler((name) => String(data.get(name) ?? "").trim(), form, (event.submitter as HTMLButtonElement | null)?.value ?? "");
  });
}
