import { describe, expect, it } from "vitest";
import { ApiError, bytesMatchType, checkQuota, checkUpload, type UploadPolicy } from "../src";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
const text = (s: string) => new TextEncoder().encode(s);
const POLICY: UploadPolicy<"image/png" | "text/plain" | "application/json" | "application/octet-stream"> = {
  types: ["image/png", "text/plain", "application/json", "application/octet-stream"],
  maxBytes: 16,
  label: "Attachments",
};

/** The problem `fn` throws: status, code and field errors. */
function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    return { status: e.status, code: e.code, errors: e.errors };
  }
  throw new Error("nothing was thrown");
}

describe("checkUpload", () => {
  it("answers the accepted type, parameters dropped and lower-cased", () => {
    expect(checkUpload(POLICY, "Image/PNG", PNG)).toBe("image/png");
    expect(checkUpload(POLICY, "text/plain; charset=utf-8", text("héllo"))).toBe("text/plain");
    expect(checkUpload(POLICY, "application/octet-stream", new Uint8Array([0, 1, 2]))).toBe("application/octet-stream");
  });

  it.each([
    ["a type not on the list", "text/html", text("<p>"), 415, "unsupported_media_type"],
    ["no type", undefined, text("x"), 415, "unsupported_media_type"],
    ["an empty body", "text/plain", new Uint8Array(0), 422, "validation_failed"],
    ["a body over the size", "application/octet-stream", new Uint8Array(17), 413, "payload_too_large"],
    ["text labelled as PNG", "image/png", text("<svg onload=1>"), 415, "unsupported_media_type"],
    ["binary labelled as text", "text/plain", new Uint8Array([0xff, 0xfe, 0]), 415, "unsupported_media_type"],
    ["invalid UTF-8 labelled as JSON", "application/json", new Uint8Array([0xc3, 0x28]), 415, "unsupported_media_type"],
  ])("refuses %s", (_label, declared, bytes, status, code) => {
    expect(thrown(() => checkUpload(POLICY, declared, bytes))).toMatchObject({ status, code });
  });

  it("names the multipart field of an empty upload, and can answer a mismatch as 422 on the header", () => {
    expect(thrown(() => checkUpload({ ...POLICY, field: "file" }, "text/plain", new Uint8Array(0))).errors).toEqual([
      { path: "file", location: "body", message: "Must not be empty" },
    ]);
    expect(thrown(() => checkUpload({ ...POLICY, mismatch: "validation_failed" }, "image/png", text("nope")))).toEqual({
      status: 422,
      code: "validation_failed",
      errors: [{ path: "content-type", location: "header", message: "The bytes are not image/png" }],
    });
  });
});

describe("bytesMatchType", () => {
  it("sniffs binary types and never trusts a label it cannot check", () => {
    expect(bytesMatchType(PNG, "image/png")).toBe(true);
    expect(bytesMatchType(text("RIFF\u0004\u0000\u0000\u0000WAVEfmt "), "image/webp")).toBe(false);
    expect(bytesMatchType(text("<svg/>"), "image/svg+xml")).toBe(false);
    expect(bytesMatchType(text("a,b\n1,2"), "text/csv")).toBe(true);
  });
});

describe("checkQuota", () => {
  it("lets an owner fill the quota exactly, and refuses one byte more with 413", () => {
    expect(() => checkQuota({ usedBytes: 90, adding: 10, limitBytes: 100 })).not.toThrow();
    const e = thrown(() => checkQuota({ usedBytes: 90, adding: 11, limitBytes: 100 }));
    expect(e).toMatchObject({ status: 413, code: "payload_too_large" });
  });
});
