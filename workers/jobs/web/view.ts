// DOM helpers. User data only ever goes through textContent / attributes, never innerHTML.
import { byId } from "@edgeworks/ui/dom";
import { type CountsFrame, STATE_NAMES } from "../src/web/live-frames";

/** The element with this id (the page's markup is ours, so a missing one is a bug): @edgeworks/ui's. */
export { byId };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}

/** Shows an error above everything (or hides it with null). */
export function notify(text: string | null): void {
  const notice = byId("notice");
  notice.textContent = text ?? "";
  notice.hidden = text === null;
}

/** Reads a sentence out to screen readers (the polite live region). */
export function announce(text: string): void {
  byId("announcer").textContent = text;
}

export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The counts per state, one tile each (`data-state` names it; the e2e test reads them). */
export function renderCounts(list: HTMLElement, counts: Partial<CountsFrame["counts"]> | undefined): void {
  list.replaceChildren(
    ...STATE_NAMES.map((state) => {
      const tile = document.createElement("div");
      tile.dataset.state = state;
      tile.append(h("dt", "", state), h("dd", "", String(counts?.[state] ?? 0)));
      return tile;
    }),
  );
}
