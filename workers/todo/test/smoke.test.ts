import { SELF } from "cloudflare:test";
import { json, mintToken, tamper, unsignedToken } from "@edgeworks/testing";
import { expect, it } from "vitest";

it("smoke", async () => {
  const t = await mintToken({ sub: "u1" });
  let res = await SELF.fetch("http://x/todo/v1/echo", json("POST", { title: "a" }, t));
  expect(await res.json()).toEqual({ title: "a", userId: "u1" });
  res = await SELF.fetch("http://x/todo/v1/echo", json("POST", { title: "" }, t));
  console.log(res.status, res.headers.get("content-type"), await res.text());
  res = await SELF.fetch("http://x/todo/v1/echo", json("POST", "{bad", t));
  console.log(res.status, await res.text());
  res = await SELF.fetch("http://x/todo/v1/echo", {
    method: "POST",
    body: "x",
    headers: { "content-type": "text/plain", authorization: `Bearer ${t}` },
  });
  console.log(res.status, await res.text());
  res = await SELF.fetch("http://x/todo/v1/echo", { method: "POST", headers: { authorization: `Bearer ${t}` } });
  console.log(res.status, await res.text());
  res = await SELF.fetch("http://x/todo/v1/echo", json("POST", { title: "x".repeat(2e6) }, t));
  console.log(res.status, await res.text());
  for (const bad of [
    tamper(t),
    unsignedToken(),
    await mintToken({ expiresIn: -10 }),
    await mintToken({ audience: "other" }),
    await mintToken({ keyIndex: 1 }),
  ]) {
    res = await SELF.fetch("http://x/todo/v1/echo", json("POST", { title: "a" }, bad));
    console.log(res.status, res.headers.get("www-authenticate"), await res.text());
  }
  res = await SELF.fetch("http://x/todo/openapi.json");
  console.log(res.status, (await res.text()).slice(0, 1500));
  res = await SELF.fetch("http://x/todo/docs");
  console.log(res.status, (await res.text()).slice(0, 300));
  res = await SELF.fetch("http://x/nope");
  console.log(res.status, await res.text());
});
