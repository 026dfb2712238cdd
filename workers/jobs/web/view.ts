// DOM helpers. User data only ever goes through textContent / attributes, never innerHTML.
import { announce, byId, errorText, h, notify } from "@edgeworks/ui/dom";
import { type CountsFrame, STATE_NAMES } from "../src/web/live-frames";

/** The page's DOM helpers are @edgeworks/ui's (byId, h, notify, announce, errorText). */
export { announce, byId, errorText, h, notify };

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
