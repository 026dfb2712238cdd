import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { register, rw, uid, V1 } from "./helpers";

async function deliver(bodies: unknown[], targetEnv: Env = env, attempts = 1) {
  const batch = createMessageBatch(
    "edgeworks-blog-notifications",
    bodies.map((body, i) => ({ id: `n${i}`, timestamp: new Date(), attempts, body })),
  );
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await worker.queue(batch, targetEnv, ctx);
  return { result: await getQueueResult(batch, ctx), retries };
}

describe("the follower-notification consumer", () => {
  it("acks bodies that are not {articleId} (never retried), and a message for a missing article", async () => {
    const { result } = await deliver([{ articleId: "1" }, { articleId: 1.5 }, { articleId: 2 ** 53 }, null, { articleId: 987_654_321 }]);
    expect(result.explicitAcks.sort()).toEqual(["n0", "n1", "n2", "n3", "n4"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("retries a message whose work fails, with a growing, bounded delay instead of a flat 10 s", async () => {
    const broken = {
      prepare() {
        throw new Error("D1 is down");
      },
      batch() {
        throw new Error("D1 is down");
      },
    } as unknown as D1Database;
    const { result, retries } = await deliver([{ articleId: 1 }, { bad: true }], { ...env, DB: broken }, 4);
    expect(result.explicitAcks).toEqual(["n1"]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["n0"]);
    const delay = retries[0]?.mock.calls[0]?.[0]?.delaySeconds ?? -1;
    // attempt 4 with base 5 s: anywhere in 0…80 s (full jitter)
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(80);
  });
});

/** A queue that records what the mail drain sends it, or refuses while `down`. */
function mailQueue() {
  const sent: unknown[] = [];
  const state = { down: false };
  const queue = {
    async sendBatch(messages: { body: unknown }[]) {
      if (state.down) throw new Error("mail queue unavailable");
      sent.push(...messages.map((m) => m.body));
    },
  } as unknown as Queue;
  return { queue, sent, state };
}

/** env.ACCOUNTS whose directory says these addresses are verified (the fake accounts says none is). */
function accountsVerifying(...emails: string[]): Fetcher {
  const rpc = env.ACCOUNTS as unknown as { getUsers(ids: string[]): Promise<{ email: string }[]> };
  return {
    getUsers: async (ids: string[]) => (await rpc.getUsers(ids)).map((u) => ({ ...u, emailVerified: emails.includes(u.email) })),
  } as unknown as Fetcher;
}

/** A published article by a fresh author with one follower, published without the queue (the test delivers). */
async function publishedWithFollower(title: string, description: string) {
  const author = await register("ma");
  const follower = await register("mf");
  expect((await rw("POST", `/profiles/${author.username}/follow`, undefined, follower.token)).status).toBe(200);
  const res = await SELF.fetch(`${V1}/articles`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${author.token}` },
    body: JSON.stringify({ title, description, body: "b" }),
  });
  expect(res.status).toBe(201);
  const { slug } = ((await res.json()) as { article: { slug: string } }).article;
  const row = await env.DB.prepare("UPDATE articles SET status = 'published', published_at = ?2 WHERE slug = ?1 RETURNING id")
    .bind(slug, Date.now())
    .first<{ id: number }>();
  if (!row) throw new Error("no article");
  return { author, follower, slug, articleId: row.id };
}

describe("follower emails through the mail service", () => {
  it("writes each follower's email (text + HTML, links on PUBLIC_ORIGIN) with the blog's outbox row and drains it to the mail queue once", async () => {
    const title = `<b>Tom & Jerry</b> ${uid()}`;
    const { author, follower, slug, articleId } = await publishedWithFollower(title, 'A "story" <script>');
    const mail = mailQueue();
    const ACCOUNTS = accountsVerifying(follower.email);
    const mailEnv = { ...env, ACCOUNTS, PUBLIC_ORIGIN: "https://edgeworks.example", DEV_MODE: "false", MAIL_QUEUE: mail.queue } as Env;
    expect((await deliver([{ articleId }], mailEnv)).result.explicitAcks).toEqual(["n0"]);
    await deliver([{ articleId }], mailEnv, 2); // redelivered: nothing new is written or sent

    const blogRow = await env.DB.prepare("SELECT user_id, to_email FROM outbox WHERE article_id = ?1")
      .bind(articleId)
      .first<{ user_id: string; to_email: string }>();
    expect(blogRow?.to_email).toBe(follower.email);
    const link = `https://edgeworks.example/blog/api/articles/${slug}`;
    expect(mail.sent).toEqual([
      {
        id: `blog-follower/${articleId}/${blogRow?.user_id}`,
        to: follower.email,
        kind: "blog-follower",
        subject: `${author.username} published: ${title}`,
        text: expect.stringContaining(`Read it: ${link}`),
        html: expect.stringContaining(`href="${link}"`),
      },
    ]);
    const [email] = mail.sent as { text: string; html: string }[];
    expect(email?.text).toContain('A "story" <script>');
    expect(email?.html).toContain("&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;");
    expect(email?.html).toContain("A &quot;story&quot; &lt;script&gt;");
    expect(email?.html).not.toContain("<script>");
    const pending = await env.DB.prepare("SELECT count(*) AS n FROM queue_outbox WHERE topic = 'mail' AND sent_at IS NULL").first<{
      n: number;
    }>();
    expect(pending?.n).toBe(0);
  });

  it("retries the message while the mail queue is down; the retry sends the email it wrote the first time", async () => {
    const { follower, articleId } = await publishedWithFollower(`Down ${uid()}`, "d");
    const mail = mailQueue();
    const ACCOUNTS = accountsVerifying(follower.email);
    const mailEnv = { ...env, ACCOUNTS, PUBLIC_ORIGIN: "https://edgeworks.example", MAIL_QUEUE: mail.queue } as Env;
    mail.state.down = true;
    const failed = await deliver([{ articleId }], mailEnv);
    expect(failed.result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["n0"]);
    expect(mail.sent).toEqual([]);
    mail.state.down = false;
    expect((await deliver([{ articleId }], mailEnv, 2)).result.explicitAcks).toEqual(["n0"]);
    expect(mail.sent).toEqual([
      expect.objectContaining({ id: expect.stringMatching(new RegExp(`^blog-follower/${articleId}/`)), kind: "blog-follower" }),
    ]);
  });

  it("links to PUBLIC_ORIGIN, never to the origin a request came to; unset outside dev mode, the message is retried", async () => {
    const { follower, articleId } = await publishedWithFollower(`Origin ${uid()}`, "d");
    const mail = mailQueue();
    const ACCOUNTS = accountsVerifying(follower.email);
    const unset = await deliver([{ articleId }], { ...env, ACCOUNTS, PUBLIC_ORIGIN: "", DEV_MODE: "false", MAIL_QUEUE: mail.queue } as Env);
    expect(unset.result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["n0"]);
    expect(mail.sent).toEqual([]);
    await deliver([{ articleId }], { ...env, ACCOUNTS, PUBLIC_ORIGIN: "", DEV_MODE: "true", MAIL_QUEUE: mail.queue } as Env, 2);
    expect((mail.sent[0] as { text: string }).text).toContain("http://127.0.0.1:8787/blog/api/articles/");
  });

  it("mails only followers who proved their address; an unverified one keeps the blog's record but gets no email", async () => {
    const { follower, articleId } = await publishedWithFollower(`Unverified ${uid()}`, "d");
    const mail = mailQueue();
    const mailEnv = { ...env, ACCOUNTS: accountsVerifying(), PUBLIC_ORIGIN: "https://edgeworks.example", MAIL_QUEUE: mail.queue } as Env;
    expect((await deliver([{ articleId }], mailEnv)).result.explicitAcks).toEqual(["n0"]);
    expect(mail.sent).toEqual([]);
    const row = await env.DB.prepare("SELECT to_email FROM outbox WHERE article_id = ?1").bind(articleId).first<{ to_email: string }>();
    expect(row?.to_email).toBe(follower.email);
  });
});
