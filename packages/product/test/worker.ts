// A product for the package's tests. Its authentication is a stand-in (the `X-Test-Scopes` header is the
// caller's scopes) so the guard's order, scope check and write limit are tested without accounts;
// todo's tests cover the default authenticateWithAccounts path.
import type { AuthVariables } from "@edgeworks/auth";
import { ApiError, type AppEnv, createRouter } from "@edgeworks/http";
import { RateLimiter } from "@edgeworks/ratelimit";
import { type Authenticate, authenticateIfPresent, defineProduct, type OptionalAuthEnv, type PublicEnv, sessionDatabase } from "../src";

export { RateLimiter };

const authenticate: Authenticate<Env> = async (c, next) => {
  const scopes = c.req.header("X-Test-Scopes");
  if (scopes === undefined) throw new ApiError("unauthorized", "Authentication required");
  c.set("auth", { userId: c.req.header("X-Test-User") ?? "user_1", scopes: scopes.split(" "), method: "jwt" });
  await next();
};

export const demo = defineProduct<Env, { userId: string; now: number }>({
  prefix: "/demo",
  title: "Demo API",
  version: "0.1.0",
  description: "The product kit's test product.",
  guard: { authenticate },
  deps: (c) => ({ userId: c.var.auth.userId, now: 42 }),
  d1: (env) => env.DB,
});

// a router typed for public routes of its own, mounted without a cast
const tickets = createRouter<PublicEnv<Env>>();
tickets.get("/tickets/:id", (c) => c.json({ ticket: c.req.param("id"), requestId: c.get("requestId") }));
demo.open.route("/", tickets);
// optional authentication (links' anonymous create): `c.var.auth` may be missing
const maybe = createRouter<AppEnv<Env, Partial<AuthVariables>>>();
maybe.get("/whoami", (c) => c.json({ userId: c.var.auth?.userId ?? null }));
demo.open.route("/", maybe);
// the same with authenticateIfPresent: anonymous without Authorization, else authenticated and scope-checked
const optional = createRouter<OptionalAuthEnv<Env>>();
optional.use("/optional", authenticateIfPresent<Env>({ authenticate, scope: "demo:write" }));
optional.post("/optional", (c) => c.json({ userId: c.var.auth?.userId ?? null }));
demo.open.route("/", optional);

demo.v1.get("/me", (c) => c.json(demo.deps(c)));
demo.v1.post("/things", (c) => c.json({ created: true }, 201));
// D1 sessions (the tests create the `rows` table): a write and a read through the request's session
demo.v1.post("/rows/:id", async (c) => {
  await sessionDatabase(c).prepare("INSERT INTO rows (id) VALUES (?)").bind(c.req.param("id")).run();
  return c.json({ created: true }, 201);
});
demo.v1.get("/rows/:id", async (c) => {
  const row = await sessionDatabase(c).prepare("SELECT id FROM rows WHERE id = ?").bind(c.req.param("id")).first<{ id: string }>();
  return c.json({ row });
});
demo.app.get("/", (c) => c.text("landing"));

export default demo.worker({
  // the lean path before the app: `/r/<x>` redirects without the app's middleware
  fetch: (request) => (new URL(request.url).pathname === "/r/x" ? Response.redirect("https://example.com/", 302) : null),
});
