import { customAlphabet } from "nanoid";

// Lists and cards carry their board's id, so a request for `/cards/{id}` reaches the board's Durable
// Object without an index lookup (and cannot be pointed at another board: the board is part of the id).
const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const boardPart = customAlphabet(ALNUM, 16);
const localPart = customAlphabet(ALNUM, 12);

const BOARD_ID = /^[A-Za-z0-9]{16}$/;
const CHILD_ID = /^([A-Za-z0-9]{16})-([lc])[A-Za-z0-9]{12}$/;

/** A new board id: 16 alphanumerics (95 bits). */
export const newBoardId = (): string => boardPart();
/** A new list id of a board: `<boardId>-l<12>`. */
export const newListId = (boardId: string): string => `${boardId}-l${localPart()}`;
/** A new card id of a board: `<boardId>-c<12>`. */
export const newCardId = (boardId: string): string => `${boardId}-c${localPart()}`;
/** An id for things inside a card (checklists, items, comments, attachments). */
export const newLocalId = (): string => localPart();

/** True for a well-formed board id. */
export const isBoardId = (id: string): boolean => BOARD_ID.test(id);

/** The board a list or card id belongs to, or null when the id is not one of ours of that kind. */
export function boardOf(id: string, kind: "list" | "card"): string | null {
  const m = CHILD_ID.exec(id);
  if (!m || m[2] !== (kind === "list" ? "l" : "c")) return null;
  return m[1] ?? null;
}
