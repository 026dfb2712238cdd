// The fan-out reference: a plain Node `ws` server that does what a chat room does on the wire and nothing
// else (no auth, no storage): each `message {clientId, text}` gets an `ack {clientId, seq}` and is
// broadcast to every socket as `message {seq, id, userId, text, createdAt, clientId}`. Runs in its own
// process (so it does not share an event loop with the client harness) and prints its port.
// Usage: node scripts/bench/chat-reference.mjs   →   stdout: "listening <port>"
import { WebSocketServer } from "ws";

const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
let seq = 0;
let nextUser = 0;
server.on("connection", (socket) => {
  const userId = `u${nextUser++}`;
  socket.on("message", (data) => {
    let frame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    if (frame?.type === "ping") return socket.send('{"type":"pong"}');
    if (frame?.type !== "message" || typeof frame.text !== "string") return;
    seq++;
    socket.send(JSON.stringify({ type: "ack", clientId: frame.clientId, seq }));
    const out = JSON.stringify({
      type: "message",
      seq,
      id: `m${seq}`,
      userId,
      text: frame.text,
      createdAt: new Date().toISOString(),
      clientId: frame.clientId,
    });
    for (const client of server.clients) if (client.readyState === 1) client.send(out);
  });
});
server.on("listening", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
