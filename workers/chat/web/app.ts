// The chat page: log in, list and create rooms, chat live in the room named by the URL hash (#room=<id>),
// so a reload comes back to the same room and resumes from the last seq it had seen.
import { ApiFailure, api, currentUser, logIn, logOut, register, type User, whenLoggedOut } from "./api";
import type { ServerFrame } from "./protocol";
import { type ConnectionStatus, RoomSocket } from "./room-socket";
import { clearRooms } from "./store";
import { byId, notify, renderMessages, renderRooms } from "./view";

interface Room {
  id: string;
  name: string;
}
interface Member {
  userId: string;
  name?: string | null;
  email?: string | null;
}

const TYPING_SEND_EVERY_MS = 2500;
const TYPING_SHOWN_MS = 4000;

let rooms: Room[] = [];
let socket: RoomSocket | null = null;
const names = new Map<string, string>();
const typing = new Map<string, ReturnType<typeof setTimeout>>();
let online: string[] = [];
let lastTypingSent = 0;
let lastReadSent = 0;

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
  byId("whoami").textContent = user ? (user.name ? `${user.name} <${user.email}>` : user.email) : "";
}

async function loadRooms(): Promise<void> {
  const body = await api<Room[] | { items: Room[] }>("/chat/v1/rooms");
  rooms = Array.isArray(body) ? body : body.items;
  renderRooms(byId<HTMLUListElement>("rooms"), rooms, openRoomId(), (id) => {
    location.hash = `room=${encodeURIComponent(id)}`;
  });
}

async function loadMembers(roomId: string): Promise<void> {
  try {
    const body = await api<Member[] | { items: Member[] }>(`/chat/v1/rooms/${encodeURIComponent(roomId)}/members`);
    for (const m of Array.isArray(body) ? body : body.items) names.set(m.userId, m.name || m.email || m.userId);
    rerender();
  } catch {
    // names are a nicety: ids are shown instead
  }
}

function rerender(): void {
  if (socket) renderMessages(byId<HTMLOListElement>("messages"), socket.state, nameOf, me().id);
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
          rerender();
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
  rerender();
}

function markRead(): void {
  if (!socket || document.visibilityState !== "visible" || socket.state.lastSeq <= lastReadSent) return;
  lastReadSent = socket.state.lastSeq;
  socket.send({ type: "read", seq: lastReadSent });
}

function openRoom(roomId: string | null): void {
  socket?.stop();
  socket = null;
  online = [];
  typing.clear();
  lastReadSent = 0;
  renderRooms(byId<HTMLUListElement>("rooms"), rooms, roomId, (id) => {
    location.hash = `room=${encodeURIComponent(id)}`;
  });
  byId("room-empty").hidden = !!roomId;
  byId("room-panel").hidden = !roomId;
  if (!roomId) return;
  byId("room-title").textContent = rooms.find((r) => r.id === roomId)?.name ?? "";
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
  void loadMembers(roomId);
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
      location.hash = `room=${encodeURIComponent(room.id)}`;
    } catch (err) {
      notify(`Could not create the room: ${message(err)}`);
    }
  });

  byId<HTMLFormElement>("invite-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const email = String(new FormData(form).get("email") ?? "").trim();
    if (!socket) return;
    try {
      await api(`/chat/v1/rooms/${encodeURIComponent(socket.roomId)}/members`, { method: "POST", json: { email } });
      form.reset();
      notify(`Invited ${email}`);
      void loadMembers(socket.roomId);
    } catch (err) {
      notify(`Could not invite: ${message(err)}`);
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
addEventListener("hashchange", () => openRoom(openRoomId()));
document.addEventListener("visibilitychange", markRead);
wireForms();
void enter();
