import { describe, expect, it } from "vitest";
import { ConfigError, parseApiTokens, tokenFingerprint } from "@orch/config";

describe("API_TOKENS", () => {
  it("reads plain tokens, owned by their fingerprint, as users", () => {
    const [token] = parseApiTokens("s3cret");
    expect(token).toEqual({
      token: "s3cret",
      name: `token-${tokenFingerprint("s3cret")}`,
      owner: `token-${tokenFingerprint("s3cret")}`,
      admin: false,
    });
    expect(tokenFingerprint("s3cret")).toMatch(/^[0-9a-f]{12}$/);
    expect(tokenFingerprint("s3cret")).not.toContain("s3cret");
  });

  it("reads a name and a role, around spaces and empty entries", () => {
    expect(parseApiTokens(" a1 , , 0ps-t0ken ; name=ops ; role=admin,u2;role=user ")).toEqual([
      expect.objectContaining({ token: "a1", admin: false }),
      { token: "0ps-t0ken", name: "ops", owner: "ops", admin: true },
      expect.objectContaining({ token: "u2", admin: false }),
    ]);
  });

  it("gives tokens with the same name one owner, so they share jobs", () => {
    const owners = parseApiTokens("old;name=ci,new;name=ci").map((t) => t.owner);
    expect(owners).toEqual(["ci", "ci"]);
  });

  it("reads nothing from an unset or empty variable", () => {
    expect(parseApiTokens(undefined)).toEqual([]);
    expect(parseApiTokens("")).toEqual([]);
    expect(parseApiTokens(" , ")).toEqual([]);
  });

  it.each([
    [
      "a token with a space",
      "ok,bad token",
      "API_TOKENS entry 2: a token must be printable ASCII without spaces",
    ],
    [
      "a token that is not ASCII",
      "tökén",
      "API_TOKENS entry 1: a token must be printable ASCII without spaces",
    ],
    ["an unknown attribute", "t1;team=x", 'API_TOKENS entry 1: unknown attribute "team"'],
    ["an unknown role", "t1;role=root", 'API_TOKENS entry 1: unknown attribute "role"'],
    ["a name with a slash", "t1;name=a/b", 'API_TOKENS entry 1: unknown attribute "name"'],
  ])("refuses %s, naming the entry", (_, text, message) => {
    expect(() => parseApiTokens(text)).toThrow(ConfigError);
    expect(() => parseApiTokens(text)).toThrow(message);
  });

  it("never puts the token in its error", () => {
    try {
      parseApiTokens("sup3r-s3cret;role=owner");
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain("sup3r-s3cret");
    }
  });
});
