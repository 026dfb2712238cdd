// The open room: its messages, who is online and typing, read receipts, the composer and "Older
// messages". One RoomSocket at a time; opening another room (or none) closes the previous one.
import type { ServerFrame } from "./protocol";
import { type ConnectionStatus, RoomSocket } from "./room-socket";
import { announce, byId, notify, renderMessages } from "./view";

const TYPING_SEND_EVERY_MS = 2500;
const TYPING_SHOWN_MS = 4000;
const READ_EVERY_MS = 1000;

const STATUS_TEXT: Record<ConnectionStatus, string> = { connecting: "connecting…", online: "live", offline: "offline", closed: "closed" };

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class RoomPanel {
  private socket: RoomSocket | null = null;
  private online: string[] = [];
  private readonly typing = new Map<string, ReturnType<typeof setTimeout>>();
  private lastTypingSent = 0;
  private lastReadSent = 0;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  /** Messages above this seq are read out as they arrive; Infinity until the room is live (no replay read out). */
  private announcedSeq = Number.POSITIVE_INFINITY;

  /** `nameOf` turns a user id into what is shown ("You" for `me()`); `onMembers` hears of membership events. */
  constructor(
    private readonly me: () => string,
    private readonly nameOf: (userId: string) => string,
    private readonly onMembers: () => void = () => undefined,
  ) {
    this.wireComposer();
    this.wireOlder();
    document.addEventListener("visibilitychange", () => this.markRead());
  }

  get roomId(): string | null {
    return this.socket?.roomId ?? null;
  }

  /** Shows `roomId` (connecting to it), or the empty panel for null. */
  open(roomId: string | null, title: string): void {
    this.socket?.stop();
    this.socket = null;
    this.online = [];
    for (const timer of this.typing.values()) clearTimeout(timer);
    this.typing.clear();
    this.lastReadSent = 0;
    this.announcedSeq = Number.POSITIVE_INFINITY;
    byId("room-empty").hidden = !!roomId;
    byId("room-panel").hidden = !roomId;
    if (!roomId) return;
    byId("room-title").textContent = title;
    byId("older").hidden = false;
    const status = byId("connection");
    this.socket = new RoomSocket(this.me(), roomId, {
      onChange: () => {
        this.render();
        this.announceNew();
        this.markRead();
      },
      onSignal: (frame) => this.onSignal(frame),
      onStatus: (s, detail) => {
        status.textContent = STATUS_TEXT[s];
        status.dataset.status = s;
        status.title = detail ?? "";
        this.announcedSeq = s === "online" && this.socket ? this.socket.state.lastSeq : Number.POSITIVE_INFINITY;
        if (s === "closed" && detail) notify(detail);
      },
    });
    this.render();
    this.socket.start();
  }

  /** Redraws everything (names may have changed). */
  render(): void {
    if (this.socket) renderMessages(byId<HTMLOListElement>("messages"), this.socket.state, this.nameOf, this.me());
    this.renderMeta();
  }

  /** Reads out messages from others that arrived since the last time (one line for a burst). */
  private announceNew(): void {
    const state = this.socket?.state;
    if (!state || state.lastSeq <= this.announcedSeq) return;
    const fresh = state.messages.filter((m) => m.seq > this.announcedSeq && m.userId !== this.me() && !m.deleted);
    this.announcedSeq = state.lastSeq;
    const last = fresh.at(-1);
    if (!last) return;
    const line = `${this.nameOf(last.userId)}: ${last.text}`;
    announce(fresh.length === 1 ? line : `${fresh.length} new messages. Last, ${line}`);
  }

  /** The lines about other people: who is online, who is typing. */
  private renderMeta(): void {
    byId("presence").textContent = this.online.length ? `Online: ${this.online.map(this.nameOf).join(", ")}` : "";
    const typists = [...this.typing.keys()].map(this.nameOf);
    byId("typing").textContent = typists.length ? `${typists.join(", ")} ${typists.length === 1 ? "is" : "are"} typing…` : "";
  }

  private onSignal(frame: ServerFrame): void {
    switch (frame.type) {
      case "presence":
        this.online = frame.online;
        break;
      case "typing":
        if (frame.userId !== this.me()) this.showTyping(frame.userId);
        break;
      case "message":
        clearTimeout(this.typing.get(frame.userId));
        this.typing.delete(frame.userId);
        break;
      case "member":
        this.onMembers();
        break;
      case "error":
        notify(frame.code === "rate_limited" ? "Slow down: the message will be sent again in a moment" : frame.detail);
        break;
    }
    this.renderMeta();
  }

  private showTyping(userId: string): void {
    clearTimeout(this.typing.get(userId));
    const timer = setTimeout(() => {
      this.typing.delete(userId);
      this.renderMeta();
    }, TYPING_SHOWN_MS);
    this.typing.set(userId, timer);
  }

  /** Tells the room how far I have read, at most once a second (every member gets each receipt). */
  private markRead(): void {
    if (this.readTimer !== undefined) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      const socket = this.socket;
      if (!socket || document.visibilityState !== "visible" || socket.state.lastSeq <= this.lastReadSent) return;
      this.lastReadSent = socket.state.lastSeq;
      socket.send({ type: "read", seq: this.lastReadSent });
    }, READ_EVERY_MS);
  }

  private wireComposer(): void {
    const composer = byId<HTMLFormElement>("composer");
    const input = composer.elements.namedItem("text") as HTMLInputElement;
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text || !this.socket) return;
      this.socket.sendMessage(text);
      input.value = "";
      this.lastTypingSent = 0;
    });
    input.addEventListener("input", () => {
      if (!this.socket || !input.value || Date.now() - this.lastTypingSent < TYPING_SEND_EVERY_MS) return;
      this.lastTypingSent = Date.now();
      this.socket.send({ type: "typing" });
    });
  }

  private wireOlder(): void {
    const older = byId<HTMLButtonElement>("older");
    older.addEventListener("click", async () => {
      if (!this.socket) return;
      const list = byId<HTMLOListElement>("messages");
      const height = list.scrollHeight;
      older.disabled = true;
      try {
        older.hidden = !(await this.socket.loadOlder());
        list.scrollTop += list.scrollHeight - height; // keep the message that was on top in place
      } catch (err) {
        notify(`Could not load older messages: ${errorText(err)}`);
      } finally {
        older.disabled = false;
      }
    });
  }
}
