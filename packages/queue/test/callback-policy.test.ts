import { describe, expect, it } from "vitest";
import {
  checkCallbackUrl,
  guardedLookup,
  hostAllowed,
  isPublicAddress,
  type ResolveHost,
} from "../src/index.js";

const resolvesTo =
  (...addresses: string[]): ResolveHost =>
  () =>
    Promise.resolve(addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));

describe("hostAllowed", () => {
  it("matches exact hosts and *.domain patterns, case-insensitively", () => {
    const patterns = ["hooks.example.com", "*.corp.example"];
    expect(hostAllowed("hooks.example.com", patterns)).toBe(true);
    expect(hostAllowed("HOOKS.example.com.", patterns)).toBe(true);
    expect(hostAllowed("a.corp.example", patterns)).toBe(true);
    expect(hostAllowed("a.b.corp.example", patterns)).toBe(true);
  });

  it("does not match the apex of a wildcard, look-alike suffixes or other hosts", () => {
    const patterns = ["hooks.example.com", "*.corp.example"];
    expect(hostAllowed("corp.example", patterns)).toBe(false);
    expect(hostAllowed("evilcorp.example", patterns)).toBe(false);
    expect(hostAllowed("hooks.example.com.evil.test", patterns)).toBe(false);
    expect(hostAllowed("example.com", patterns)).toBe(false);
  });
});

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fd00::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:7f00:1",
    "224.0.0.1",
    // IPv4-compatible (deprecated): the whole ::/96
    "::127.0.0.1",
    "::7f00:1",
    "::8.8.8.8",
    // IPv4-translated
    "::ffff:0:127.0.0.1",
    "::ffff:0:a00:1",
    // NAT64 to a private or loopback address, and the local-use NAT64 prefix
    "64:ff9b::10.0.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b:1::a00:1",
    // site-local (deprecated), ULA, documentation, 6to4, Teredo, link-local with a zone
    "fec0::1",
    "fc00::1",
    "2001:db8::1",
    "2002:7f00:1::1",
    "2001:0:4136:e378::1",
    "fe80::1%eth0",
  ])("refuses %s", (address) => expect(isPublicAddress(address)).toBe(false));
  it.each([
    "93.184.216.34",
    "8.8.8.8",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "::ffff:808:808",
    "::ffff:0:8.8.8.8",
    "64:ff9b::8.8.8.8",
  ])("accepts %s", (address) => expect(isPublicAddress(address)).toBe(true));
  it("refuses what is not an address", () => expect(isPublicAddress("localhost")).toBe(false));
});

describe("checkCallbackUrl", () => {
  const policy = { allowedHosts: ["hooks.example.com", "127.0.0.1"], allowPrivate: false };

  it("accepts an allowed host that resolves to public addresses only", async () => {
    const check = await checkCallbackUrl("https://hooks.example.com/x", policy, resolvesTo("93.184.216.34"));
    expect(check.ok).toBe(true);
  });

  it("refuses an allowed host that resolves to any private address, naming webhooks.allow_private", async () => {
    const check = await checkCallbackUrl(
      "https://hooks.example.com/x",
      policy,
      resolvesTo("93.184.216.34", "10.0.0.5"),
    );
    expect(check).toEqual({
      ok: false,
      reason: expect.stringMatching(/private address; set config webhooks\.allow_private/) as string,
    });
  });

  it("refuses loopback literals unless private addresses are allowed", async () => {
    expect((await checkCallbackUrl("http://127.0.0.1:8080/x", policy)).ok).toBe(false);
    expect((await checkCallbackUrl("http://127.0.0.1:8080/x", { ...policy, allowPrivate: true })).ok).toBe(
      true,
    );
  });

  it("refuses hosts outside the list, credentials in the URL, other schemes, and everything when the list is empty", async () => {
    const never: ResolveHost = () => Promise.reject(new Error("must not resolve"));
    expect(await checkCallbackUrl("https://other.example.com/x", policy, never)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/webhooks\.allowed_hosts/) as string,
    });
    expect(await checkCallbackUrl("https://u:p@hooks.example.com/x", policy, never)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/credentials/) as string,
    });
    expect(await checkCallbackUrl("ftp://hooks.example.com/x", policy, never)).toMatchObject({ ok: false });
    expect(
      await checkCallbackUrl("https://hooks.example.com/x", { allowedHosts: [], allowPrivate: true }, never),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/disabled/) as string,
    });
  });

  it("refuses URLs whose host is an IPv6 literal embedding a private IPv4 address", async () => {
    for (const literal of [
      "[::127.0.0.1]",
      "[::ffff:127.0.0.1]",
      "[::ffff:0:7f00:1]",
      "[64:ff9b::a9fe:a9fe]",
    ]) {
      const url = `http://${literal}/x`;
      // Allowed by name (as the URL spells it after parsing), so only the address check can refuse it.
      const host = new URL(url).hostname.slice(1, -1);
      const check = await checkCallbackUrl(url, { allowedHosts: [host], allowPrivate: false });
      expect(check, literal).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/loopback or private address/) as string,
      });
    }
  });

  it("refuses a host whose DNS does not answer in time, saying so", async () => {
    // The lookup never answers: only the 50 ms limit can end the check.
    const check = await checkCallbackUrl(
      "https://hooks.example.com/x",
      policy,
      () => new Promise(() => undefined),
      50,
    );
    expect(check).toEqual({
      ok: false,
      reason:
        "callback_url host hooks.example.com did not resolve within 0.05 s; try again, or check the host's DNS",
    });
  });

  it("refuses a host that does not resolve", async () => {
    const check = await checkCallbackUrl("https://hooks.example.com/x", policy, () =>
      Promise.reject(new Error("ENOTFOUND")),
    );
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/does not resolve/) as string });
  });
});

describe("guardedLookup", () => {
  it("checks the addresses its resolver answers at dial time, whatever was validated before", async () => {
    const lookup = guardedLookup(
      { allowedHosts: ["hooks.example.com"], allowPrivate: false },
      resolvesTo("10.0.0.7"),
    );
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup("hooks.example.com", {}, (err) => resolve(err)),
    );
    expect(error?.code).toBe("EADDRNOTALLOWED");
  });

  it("fails the connection when the host resolves to a loopback address", async () => {
    const lookup = guardedLookup({ allowedHosts: ["localhost"], allowPrivate: false });
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup("localhost", {}, (err) => resolve(err)),
    );
    expect(error?.code).toBe("EADDRNOTALLOWED");
  });

  it("lets it through when private addresses are allowed", async () => {
    const lookup = guardedLookup({ allowedHosts: ["localhost"], allowPrivate: true });
    const address = await new Promise<string>((resolve, reject) =>
      lookup("localhost", {}, (err, addr) =>
        err ? reject(err) : resolve(typeof addr === "string" ? addr : "(list)"),
      ),
    );
    expect(["127.0.0.1", "::1"]).toContain(address);
  });
});
