// The chat page: log in, list and create rooms, chat live in the room named by the URL hash (#room=<id>),
// so a reload comes back to the same room and resumes from the last seq it had seen.
import { ApiFailure, api, currentUser, logIn, logOut, register, type User, whenLoggedOut } from "./api";
import type { ServerFrame } from "./protocol";
import { type ConnectionStatus, RoomSocket } from "./room-socket";
import { clearRooms } from "./store";
import { byId, notify, renderMessages, renderRooms } from "./view";

interface Member {
  userId: string;
  role: string;
  /** Not (yet) in chat's member shape: used when the server includes them. */
  name?: string | null;
  email?: string | null;
}
interface Room {
  id: string;
  kind: "dm" | "group";
  name: string | null;
  members: Member[];
}

const TYPING_SEND_EVERY_MS = 2500;
const TYPING_SHOWN_MS = 4000;
const READ_EVERY_MS = 1000;
/** Rooms I was added to elsewhere show up within this long (and whenever the tab comes back). */
const ROOMS_REFRESH_MS = 30_000;

let rooms: Room[] = [];
let socket: RoomSocket | null = null;
const names = new Map<string, string>();
const typing = new Map<string, ReturnType<typeof setTimeout>>();
let online: string[] = [];
let lastTypingSent = 0;
let lastReadSent = 0;
let readTimer: ReturnType<typeof setTimeout> | undefined;

const me = (): User => {
  const user = currentUser();
  if (!user) throw new Error("not logged in");
  return user;
};
const nameOf = (userId: string) => (userId === currentUser()?.id ? "You" : (names.get(userId) ?? `user ${userId.slice(0, 6)}`));
const openRoomId = () => new URLSearchParams(location.hash.slice(1)).get("room");
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function showLoggedIn(user: User | null): void {
  byId("login-view").hidden = !!user;
  byId("chat-view").hidden = !user;
  byId("logout").hidden = !user;
  byId("whoami").textContent = user ? `${user.name ? `${user.name} <${user.email}>` : user.email} · your user id: ${user.id}` : "";
}

const roomLabel = (room: Room) => room.name ?? `Direct: ${room.members.map((m) => nameOf(m.userId)).join(", ")}`;
const goTo = (id: string) => {
  location.hash = `room=${encodeURIComponent(id)}`;
};

/** The rooms I am in (the first 100, most recently active first), with their members. */
async function loadRooms(): Promise<void> {
  const body = await api<{ items: Room[] }>("/chat/v1/rooms?limit=100");
  rooms = body.items;
  for (const room of rooms) for (const m of room.members) if (m.name || m.email) names.set(m.userId, (m.name || m.email)!);
  const labelled = rooms.map((r) => ({ id: r.id, name: roomLabel(r) }));
  renderRooms(byId<HTMLUListElement>("rooms"), labelled, openRoomId(), goTo);
  const open = rooms.find((r) => r.id === openRoomId());
  if (open) byId("room-title").textContent = roomLabel(open);
  rerender();
}

function rerender(): void {
  if (socket) renderMessages(byId<HTMLOListElement>("messages"), socket.state, nameOf, me().id);
  renderMeta();
}

/** The lines about other people: who is online, who is typing. */
function renderMeta(): void {
  byId("presence").textContent = online.length ? `Online: ${online.map(nameOf).join(", ")}` : "";
  const typists = [...typing.keys()].map(nameOf);
  byId("typing").textContent = typists.length ? `${typists.join(", ")} ${typists.length === 1 ? "is" : "are"} typing…` : "";
}

const STATUS_TEXT: Record<ConnectionStatus, string> = { connecting: "connecting…", online: "live", offline: "offline", closed: "closed" };

function onSignal(frame: ServerFrame): void {
  switch (frame.type) {
    case "presence":
      online = frame.online;
      break;
    case "typing": {
      if (frame.userId === me().id) return;
      clearTimeout(typing.get(frame.userId));
      typing.set(
        frame.userId,
        setTimeout(() => {
          typing.delete(frame.userId);
          renderMeta();
        }, TYPING_SHOWN_MS),
      );
      break;
    }
    case "message":
      typing.delete(frame.userId);
      break;
    case "error":
      notify(frame.code === "rate_limited" ? "Slow down: the message will be sent again in a moment" : frame.message);
      break;
  }
  renderMeta();
}

/** Tells the room how far I have read, at most once a second (every member gets each receipt). */
function markRead(): void {
  if (readTimer !== undefined) return;
  readTimer = setTimeout(() => {
    readTimer = undefined;
    if (!socket || document.visibilityState !== "visible" || socket.state.lastSeq <= lastReadSent) return;
    lastReadSent = socket.state.lastSeq;
    socket.send({ type: "read", seq: lastReadSent });
  }, READ_EVERY_MS);
}

function openRoom(roomId: string | null): void {
  socket?.stop();
  socket = null;
  online = [];
  typing.clear();
  lastReadSent = 0;
  renderRooms(
    byId<HTMLUListElement>("rooms"),
    rooms.map((r) => ({ id: r.id, name: roomLabel(r) })),
    roomId,
    goTo,
  );
  byId("room-empty").hidden = !!roomId;
  byId("room-panel").hidden = !roomId;
  if (!roomId) return;
  const room = rooms.find((r) => r.id === roomId);
  byId("room-title").textContent = room ? roomLabel(room) : "Room";
  byId("older").hidden = false;
  const status = byId("connection");
  const current = new RoomSocket(me().id, roomId, {
    onChange: () => {
      rerender();
      markRead();
    },
    onSignal,
    onStatus: (s, detail) => {
      status.textContent = STATUS_TEXT[s];
      status.dataset.status = s;
      status.title = detail ?? "";
      if (s === "closed" && detail) notify(detail);
    },
  });
  socket = current;
  rerender();
  current.start();
}

async function enter(): Promise<void> {
  showLoggedIn(currentUser());
  if (!currentUser()) return;
  try {
    await loadRooms();
  } catch (err) {
    notify(`Could not load rooms: ${message(err)}`);
  }
  openRoom(openRoomId());
}

function wireForms(): void {
  byId<HTMLFormElement>("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const action = (event.submitter as HTMLButtonElement | null)?.value ?? "login";
    const [email, password, name] = ["email", "password", "name"].map((k) => String(data.get(k) ?? "").trim());
    try {
      if (action === "register") await register(email!, password!, name || undefined);
      else await logIn(email!, password!);
      form.reset();
      await enter();
    } catch (err) {
      notify(err instanceof ApiFailure && err.status === 401 ? "Wrong email or password" : message(err));
    }
  });

  byId("logout").addEventListener("click", async () => {
    openRoom(null);
    clearRooms();
    await logOut();
    history.replaceState(null, "", location.pathname);
    showLoggedIn(null);
  });

  byId<HTMLFormElement>("create-room-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get("name") ?? "").trim();
    try {
      const room = await api<Room>("/chat/v1/rooms", { method: "POST", json: { name } });
      form.reset();
      await loadRooms();
      goTo(room.id);
    } catch (err) {
      notify(`Could not create the room: ${message(err)}`);
    }
  });

  byId<HTMLFormElement>("invite-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const userId = String(new FormData(form).get("userId") ?? "").trim();
    if (!socket) return;
    try {
      await api(`/chat/v1/rooms/${encodeURIComponent(socket.roomId)}/members`, { method: "POST", json: { userId } });
      form.reset();
      notify(`Added ${userId}`);
      await loadRooms();
    } catch (err) {
      notify(`Could not invite: ${message(err)}`);
    }
  });

  const older = byId<HTMLButtonElement>("older");
  older.addEventListener("click", async () => {
    if (!socket) return;
    const list = byId<HTMLOListElement>("messages");
    const height = list.scrollHeight;
    older.disabled = true;
    try {
      older.hidden = !(await socket.loadOlder());
      list.scrollTop += list.scrollHeight - height; // keep the message that was on top in place
    } catch (err) {
      notify(`Could not load older messages: ${message(err)}`);
    } finally {
      older.disabled = false;
    }
  });

  const composer = byId<HTMLFormElement>("composer");
  const input = composer.elements.namedItem("text") as HTMLInputElement;
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !socket) return;
    socket.sendMessage(text);
    input.value = "";
    lastTypingSent = 0;
  });
  input.addEventListener("input", () => {
    if (!socket || !input.value || Date.now() - lastTypingSent < TYPING_SEND_EVERY_MS) return;
    lastTypingSent = Date.now();
    socket.send({ type: "typing" });
  });
}

whenLoggedOut(() => {
  socket?.stop();
  socket = null;
  showLoggedIn(null);
  notify("Your session has ended; please log in again.");
});
function refreshRooms(): void {
  if (currentUser() && document.visibilityState === "visible") loadRooms().catch(() => undefined);
}

addEventListener("hashchange", () => openRoom(openRoomId()));
document.addEventListener("visibilitychange", () => {
  markRead();
  refreshRooms();
});
setInterval(refreshRooms, ROOMS_REFRESH_MS);
wireForms();
void enter();
