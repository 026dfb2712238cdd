// DOM rendering. User data only ever goes through textContent / attributes, never innerHTML.
import { byId } from "@edgeworks/ui/dom";
import type { ChatMessage } from "./protocol";
import type { RoomState } from "./store";

/** The element with this id (the page's markup is ours, so a missing one is a bug): @edgeworks/ui's. */
export { byId };

function h<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}

const timeOf = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
};

function messageItem(m: ChatMessage, author: string, mine: boolean): HTMLLIElement {
  const li = document.createElement("li");
  li.dataset.seq = String(m.seq);
  li.dataset.id = m.id;
  if (m.deleted) li.classList.add("deleted");
  if (mine) li.classList.add("mine");
  li.append(h("span", "author", author), h("span", "text", m.deleted ? "message deleted" : m.text));
  const time = h("time", "time", `${timeOf(m.createdAt)}${m.editedAt ? " (edited)" : ""}`);
  time.dateTime = m.createdAt;
  li.append(time);
  const reactions = Object.entries(m.reactions ?? {}).map(([emoji, users]) => `${emoji} ${users.length}`);
  if (reactions.length) li.append(h("span", "reactions", reactions.join("  ")));
  return li;
}

/**
 * Renders a room's messages, then its pending ones (greyed). Keeps the view pinned to the bottom if it
 * was there, so new messages scroll into view but reading older ones is not interrupted.
 */
export function renderMessages(list: HTMLOListElement, state: RoomState, nameOf: (userId: string) => string, me: string): void {
  const pinned = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const items: HTMLLIElement[] = state.messages.map((m) => messageItem(m, nameOf(m.userId), m.userId === me));
  for (const p of state.pending) {
    const li = messageItem({ seq: 0, id: "", userId: me, text: p.text, createdAt: p.createdAt }, nameOf(me), true);
    li.classList.add("pending");
    li.removeAttribute("data-seq");
    li.dataset.clientId = p.clientId;
    li.title = "sending…";
    items.push(li);
  }
  list.replaceChildren(...items);
  if (pinned) list.scrollTop = list.scrollHeight;
}

/** The room list: one button per room, the open one marked. */
export function renderRooms(
  list: HTMLUListElement,
  rooms: { id: string; name: string }[],
  openId: string | null,
  open: (id: string) => void,
): void {
  list.replaceChildren(
    ...rooms.map((room) => {
      const li = document.createElement("li");
      const button = h("button", "room", room.name);
      button.type = "button";
      button.dataset.roomId = room.id;
      button.setAttribute("aria-current", String(room.id === openId));
      button.addEventListener("click", () => open(room.id));
      li.append(button);
      return li;
    }),
  );
}

/**
 * Has screen readers say `text` (politely, after what they are reading). The message list cannot be a
 * live region itself: it is redrawn on every change, which would read the whole room out again.
 */
export function announce(text: string): void {
  byId("announcer").textContent = text;
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows an error or a note for a few seconds. */
export function notify(text: string): void {
  const el = byId("notice");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    el.hidden = true;
  }, 6000);
}
