import { Hono } from "hono";

/** The chat web page at /chat/ (placeholder until the client lands). */
export const webRouter = new Hono();

webRouter.get("/chat", (c) => c.redirect("/chat/", 301));
webRouter.get("/chat/", (c) => c.html("<!doctype html><title>Chat</title><p>Chat</p>"));
