// Small DOM helpers every web page's script uses (the chat page, the jobs and gateway dashboards).

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

/**
 * An element with a class and text (never HTML, so user data stays text).
 *
 * @example list.append(h("li", "ui-muted", queue.name));
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}

/** Shows an error in the page's `#notice` above everything (or hides it with null). */
export function notify(text: string | null): void {
  const notice = byId("notice");
  notice.textContent = text ?? "";
  notice.hidden = text === null;
}

/** Reads a sentence out to screen readers (the page's polite live region, `#announcer`). */
export function announce(text: string): void {
  byId("announcer").textContent = text;
}

/** The message of a thrown value, for a notice. */
export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
