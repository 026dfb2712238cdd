import { afterEach, describe, expect, it, vi } from "vitest";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, PASSWORD_ITERATIONS, passwordIterations, verifyPassword } from "../src";

describe("password hashing", () => {
  it("stores the scheme, 100,000 iterations and a 16-byte salt with the hash", async () => {
    const stored = await hashPassword("correct horse battery staple");
    const [scheme, iterations, salt, hash] = stored.split("$");
    expect(scheme).toBe("pbkdf2-sha256");
    expect(Number(iterations)).toBe(PASSWORD_ITERATIONS);
    expect(PASSWORD_ITERATIONS).toBe(100_000);
    expect(atob(salt ?? "")).toHaveLength(16);
    expect(atob(hash ?? "")).toHaveLength(32);
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("pässwörd ✓ long enough");
    expect(await verifyPassword("pässwörd ✓ long enough", stored)).toBe(true);
    expect(await verifyPassword("pässwörd ✓ long enougH", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts: the same password hashes differently twice", async () => {
    expect(await hashPassword("same password")).not.toBe(await hashPassword("same password"));
  });

  it("normalises Unicode so the same visible password matches (NFKC)", async () => {
    const stored = await hashPassword("caf\u00e9 password");
    expect(await verifyPassword("cafe\u0301 password", stored)).toBe(true);
  });

  it.each([["garbage"], ["pbkdf2-sha256$abc$x$y"], ["pbkdf2-sha256$10000001$AAAA$AAAA"], ["md5$1$a$b"], [""]])(
    "never matches a malformed stored hash %j",
    async (stored) => {
      expect(await verifyPassword("anything", stored)).toBe(false);
    },
  );

  it("the dummy hash verifies nothing but costs a full derivation", async () => {
    expect(await verifyPassword("password", DUMMY_PASSWORD_HASH)).toBe(false);
  });

  it("flags weaker parameters for rehash", async () => {
    expect(needsRehash(await hashPassword("x", 1000))).toBe(true);
    expect(needsRehash(await hashPassword("x"))).toBe(false);
  });

  it("flags any iteration count other than the configured one (lowered or raised) for rehash", async () => {
    const stored = await hashPassword("x", 120_000);
    expect(needsRehash(stored, 100_000)).toBe(true);
    expect(needsRehash(stored, 210_000)).toBe(true);
    expect(needsRehash(stored, 120_000)).toBe(false);
  });

  it("verifies hashes above 100,000 iterations (raised on a paid plan)", async () => {
    const stored = await hashPassword("raised cost", 210_000);
    expect(stored).toMatch(/^pbkdf2-sha256\$210000\$/);
    expect(await verifyPassword("raised cost", stored)).toBe(true);
  });

  describe("on a runtime that caps PBKDF2 at 100,000 iterations (Cloudflare, workerd#1346)", () => {
    afterEach(() => vi.restoreAllMocks());
    const capAt100k = () => {
      const real = crypto.subtle.deriveBits.bind(crypto.subtle);
      vi.spyOn(console, "error").mockImplementation(() => undefined);
      return vi.spyOn(crypto.subtle, "deriveBits").mockImplementation((algorithm, key, length) => {
        const n = (algorithm as { iterations: number }).iterations;
        if (n > 100_000)
          return Promise.reject(
            new DOMException(`Pbkdf2 failed: iteration counts above 100000 are not supported (requested ${n})`, "NotSupportedError"),
          );
        return real(algorithm, key, length);
      });
    };

    it("hashes at the default count instead of failing when the configured count is refused", async () => {
      capAt100k();
      const stored = await hashPassword("raised cost", 600_000);
      expect(stored).toMatch(/^pbkdf2-sha256\$100000\$/);
      expect(await verifyPassword("raised cost", stored)).toBe(true);
      expect(needsRehash(stored, 600_000)).toBe(true); // a later login tries the configured count again
    });

    it("still fails for a refused count at or below the default (a real error, not the cap)", async () => {
      capAt100k();
      vi.mocked(crypto.subtle.deriveBits).mockRejectedValueOnce(new Error("boom"));
      await expect(hashPassword("x-password", 100_000)).rejects.toThrow("boom");
    });
  });

  it.each([
    [undefined, 100_000],
    ["", 100_000],
    [" 210000 ", 210_000],
    ["600000", 600_000],
  ])("reads PASSWORD_PBKDF2_ITERATIONS %j as %d", (value, expected) => {
    expect(passwordIterations(value)).toBe(expected);
  });

  it.each([["abc"], ["1e9"], ["999"], ["100000.5"], ["-1"]])("refuses PASSWORD_PBKDF2_ITERATIONS %j", (value) => {
    expect(() => passwordIterations(value)).toThrow(/^PASSWORD_PBKDF2_ITERATIONS must be an integer from 1000 to 10000000/);
  });
});
