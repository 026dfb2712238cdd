import { hostileBodies } from "@edgeworks/testing";
import { describe, expect, it } from "vitest";
import { call, connect, createRoom, newUser } from "./helpers";

describe("no secrets or stack traces leak", () => {
  it("an error frame and a problem body carry no stack", async () => {
    const owner = await newUser();
    const room = await createRoom(owner, [], "Security");
    const a = await connect(owner, room.id);
    a.send("{bad");
    const err = await a.take((f) => f.type === "error");
    expect(JSON.stringify(err)).not.toMatch(/at .*\.ts|Error:/);
    await a.close();
    const res = await call("POST", "/rooms", owner.token, hostileBodies.malformed);
    expect(await res.text()).not.toMatch(/at .*\.ts|stack/);
  });
});
