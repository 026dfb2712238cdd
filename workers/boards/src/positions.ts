import { generateKeyBetween, generateNKeysBetween } from "fractional-indexing";

/** Where to put a list or card: at either end, or between two neighbours named by id. */
export type Placement = "top" | "bottom" | { after?: string; before?: string };

/** An item of an ordered sequence (a list in a board, a card in a list). */
export interface Positioned {
  id: string;
  pos: string;
  /** Archived: keeps its key (so keys never collide) but cannot be named as a neighbour. */
  hidden?: boolean;
}

/** Why a placement cannot be honoured; the Durable Object maps it to 409 or 422. */
export class PlacementError extends Error {
  constructor(
    readonly kind: "unknown_neighbour" | "not_adjacent",
    detail: string,
  ) {
    super(detail);
    this.name = "PlacementError";
  }
}

/**
 * The position key for `placement` among `items` (sorted by `pos`, without the item being placed).
 * `{after}` puts it right after that item, `{before}` right before it; with both they must be
 * neighbours (nothing between them), else the caller's view is stale and the move is refused rather
 * than guessed. `items` includes hidden (archived) ones, so a new key never equals theirs. Keys come from fractional-indexing, so no other item's key changes.
 *
 * @example keyFor(cards, { after: "c1" }) // between c1 and the card after it
 */
export function keyFor(items: readonly Positioned[], placement: Placement): string {
  if (placement === "top") return generateKeyBetween(null, items[0]?.pos ?? null);
  if (placement === "bottom") return generateKeyBetween(items.at(-1)?.pos ?? null, null);
  const { after, before } = placement;
  const indexOf = (id: string) => {
    const i = items.findIndex((it) => it.id === id && !it.hidden);
    if (i < 0) throw new PlacementError("unknown_neighbour", `${id} is not in the target list`);
    return i;
  };
  const a = after === undefined ? undefined : indexOf(after);
  const b = before === undefined ? undefined : indexOf(before);
  if (a !== undefined && b !== undefined) {
    // neighbours as the client sees them: only hidden (archived) items may sit between the two
    if (b <= a || items.slice(a + 1, b).some((it) => !it.hidden)) {
      throw new PlacementError("not_adjacent", "`after` and `before` are not neighbours (the list changed): reload and retry");
    }
  }
  if (a !== undefined) return generateKeyBetween(items[a]?.pos ?? null, items[a + 1]?.pos ?? null);
  const bi = b as number;
  return generateKeyBetween(items[bi - 1]?.pos ?? null, items[bi]?.pos ?? null);
}

/** `n` evenly spaced fresh keys, for re-spacing a sequence whose keys grew long. */
export const evenKeys = (n: number): string[] => generateNKeysBetween(null, null, n);
