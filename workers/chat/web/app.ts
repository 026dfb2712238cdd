// The chat page: log in, list and create rooms, chat live in the room named by the URL hash (#room=<id>),
// so a reload comes back to the same room and resumes from the last seq it had seen.
import type { ChatApi } from "@edgeworks/client";
import { onSubmit } from "@edgeworks/ui/dom";
import { ApiFailure, chat, currentUser, logIn, logOut, ok, register, type User, whenLoggedOut } from "./api";
import { RoomPanel } from "./room-panel";
import { clearRooms } from "./store";
import { byId, notify, renderRooms } from "./view";

/** A member; `name` is the display name from accounts, null when the user has none (the page shows a short id). */
type Member = ChatApi.components["schemas"]["Member"];
type Room = Pick<ChatApi.components["schemas"]["Room"], "id" | "kind" | "name" | "members">;

/** Rooms I was added to elsewhere show up within this long (and whenever the tab comes back). */
const ROOMS_REFRESH_MS = 30_000;
/** Membership events come in bursts (a replay, a room created with many members): one reload per burst. */
const MEMBERS_RELOAD_MS = 300;

let rooms: Room[] = [];
const names = new Map<string, string>();

const me = (): User => {
  const user = currentUser();
  if (!user) throw new Error("not logged in");
  return user;
};
const nameOf = (userId: string) => (userId === currentUser()?.id ? "You" : (names.get(userId) ?? `user ${userId.slice(0, 6)}`));
const openRoomId = () => new URLSearchParams(location.hash.slice(1)).get("room");
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
/** A group room by its name; a direct conversation by the other person ("Direct: Jon"), whatever the member order. */
const roomLabel = (room: Room) => {
  if (room.name !== null && room.name !== undefined) return room.name;
  const others = room.members.filter((m) => m.userId !== currentUser()?.id).map((m) => nameOf(m.userId));
  return `Direct: ${others.length > 0 ? others.sort().join(", ") : "You"}`;
};
/** Keyboard users land in the composer of a room they opened (by the list, a new room or a DM). */
let focusComposer = false;
const goTo = (id: string) => {
  focusComposer = true;
  if (openRoomId() === id) return openRoom(id); // the same hash: no hashchange event
  location.hash = `room=${encodeURIComponent(id)}`;
};

let membersReload: ReturnType<typeof setTimeout> | undefined;
/** Someone joined, left or changed role in the open room: reload the rooms for its members and their names. */
function membersChanged(): void {
  clearTimeout(membersReload);
  membersReload = setTimeout(refreshRooms, MEMBERS_RELOAD_MS);
}

const panel = new RoomPanel(() => me().id, nameOf, membersChanged);

function showLoggedIn(user: User | null): void {
  byId("login-view").hidden = !!user;
  byId("chat-view").hidden = !user;
  byId("logout").hidden = !user;
  byId("whoami").textContent = user ? `${user.name ? `${user.name} <${user.email}>` : user.email} · your user id: ${user.id}` : "";
}

/** The open room's members by name, the owner and admins marked. */
function showMembers(room: Room | undefined): void {
  const label = (m: Member) => `${nameOf(m.userId)}${m.role === "member" ? "" : ` (${m.role})`}`;
  byId("members").textContent = room ? `Members: ${room.members.map(label).join(", ")}` : "";
}

function showRooms(): void {
  const labelled = rooms.map((r) => ({ id: r.id, name: roomLabel(r) }));
  renderRooms(byId<HTMLUListElement>("rooms"), labelled, openRoomId(), goTo);
}

/** The rooms I am in (the first 100, most recently active first), with their members. */
async function loadRooms(): Promise<void> {
  const body = await ok(chat.GET("/chat/v1/rooms", { params: { query: { limit: 100 } } }));
  rooms = body.items;
  for (const room of rooms) for (const m of room.members) if (m.name) names.set(m.userId, m.name);
  showRooms();
  const open = rooms.find((r) => r.id === panel.roomId);
  if (open) byId("room-title").textContent = roomLabel(open);
  showMembers(open);
  panel.render();
}

function openRoom(roomId: string | null): void {
  showRooms();
  const room = rooms.find((r) => r.id === roomId);
  panel.open(roomId, room ? roomLabel(room) : "Room");
  showMembers(room);
  if (focusComposer && roomId) byId("composer-text").focus();
  focusComposer = false;
}

async function enter(): Promise<void> {
  showLoggedIn(currentUser());
  if (!currentUser()) return;
  try {
    await loadRooms();
  } catch (err) {
    notify(`Could not load rooms: ${errorText(err)}`);
  }
  openRoom(openRoomId());
}

function refreshRooms(): void {
  if (currentUser() && document.visibilityState === "visible") loadRooms().catch(() => undefined);
}

onSubmit("login-form", async (field, form, action) => {
  try {
    if (action === "register") await register(field("email"), field("password"), field("name") || undefined);
    else await logIn(field("email"), field("password"));
    form.reset();
    await enter();
    // the form is gone: focus moves to the first room, or to naming a new one
    (document.querySelector<HTMLElement>("#rooms button") ?? byId("new-room-name")).focus();
  } catch (err) {
    notify(err instanceof ApiFailure && err.status === 401 ? "Wrong email or password" : errorText(err));
  }
});

onSubmit("create-room-form", async (field, form) => {
  try {
    const room = await ok(chat.POST("/chat/v1/rooms", { body: { name: field("name") } }));
    form.reset();
    await loadRooms();
    goTo(room.id);
  } catch (err) {
    notify(`Could not create the room: ${errorText(err)}`);
  }
});

/** What was typed in a "who" field: an email (anything with an @), else a user id. */
const userRef = (who: string) => (who.includes("@") ? { email: who } : { userId: who });

onSubmit("invite-form", async (field, form) => {
  const roomId = panel.roomId;
  if (!roomId) return;
  try {
    const added = await ok(chat.POST("/chat/v1/rooms/{id}/members", { params: { path: { id: roomId } }, body: userRef(field("who")) }));
    notify(`Added ${added.name ?? field("who")}`);
    form.reset();
    await loadRooms();
  } catch (err) {
    notify(`Could not add the member: ${errorText(err)}`);
  }
});

onSubmit("dm-form", async (field, form) => {
  try {
    const room = await ok(chat.POST("/chat/v1/dm", { body: userRef(field("who")) }));
    form.reset();
    await loadRooms();
    goTo(room.id);
  } catch (err) {
    notify(`Could not open the conversation: ${errorText(err)}`);
  }
});

byId("logout").addEventListener("click", async () => {
  panel.open(null, "");
  clearRooms();
  await logOut();
  history.replaceState(null, "", location.pathname);
  showLoggedIn(null);
  byId<HTMLFormElement>("login-form").querySelector("input")?.focus();
});

whenLoggedOut(() => {
  panel.open(null, "");
  showLoggedIn(null);
  notify("Your session has ended; please log in again.");
});
addEventListener("hashchange", () => openRoom(openRoomId()));
document.addEventListener("visibilitychange", refreshRooms);
setInterval(refreshRooms, ROOMS_REFRESH_MS);
void enter();
