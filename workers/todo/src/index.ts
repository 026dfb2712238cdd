import { type AuthVariables, authenticate, createTokenVerifier, jwksFromService } from "@edgeworks/auth";
import { type AppEnv, createApp, createRouter, errors, jsonResponse, mountDocs } from "@edgeworks/http";
import { createRoute, z } from "@hono/zod-openapi";

export { RateLimiter } from "@edgeworks/ratelimit";

type TodoEnv = AppEnv<Env, AuthVariables>;
let verifier: ReturnType<typeof createTokenVerifier> | undefined;
const verifierFor = (env: Env) =>
  (verifier ??= createTokenVerifier({ loadJwks: jwksFromService(env.ACCOUNTS), issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE }));

const r = createRouter<TodoEnv>();
r.use(authenticate<Env>({ verifier: verifierFor }));
r.openapi(
  createRoute({
    method: "post",
    path: "/echo",
    request: { body: { required: true, content: { "application/json": { schema: z.object({ title: z.string().min(1) }) } } } },
    responses: { 200: jsonResponse(z.object({ title: z.string(), userId: z.string() }), "ok"), ...errors(401, 422) },
  }),
  (c) => c.json({ title: c.req.valid("json").title, userId: c.var.auth.userId }, 200),
);
const app = createApp<TodoEnv>();
app.route("/todo/v1", r);
mountDocs(app, { prefix: "/todo", title: "Todo API", version: "1.0.0", description: "x" });
export default app;
