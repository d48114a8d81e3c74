import { BlockList, isIP, type LookupFunction } from "node:net";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";

/** Where webhooks may go, from config `webhooks`. */
export interface CallbackPolicy {
  /** Exact host names or `*.example.com` patterns; empty disables webhooks. */
  readonly allowedHosts: readonly string[];
  /** Allow loopback, private and link-local addresses (local development, tests). */
  readonly allowPrivate: boolean;
}

export type CallbackCheck =
  { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly reason: string };

/** Resolves a host name to all its addresses. */
export type ResolveHost = (host: string) => Promise<readonly LookupAddress[]>;

/** Addresses no callback may reach unless `allowPrivate`: loopback, private, link-local, reserved. */
const NOT_PUBLIC = (() => {
  const list = new BlockList();
  const v4: Array<[string, number]> = [
    ["0.0.0.0", 8],
    ["10.0.0.0", 8],
    ["100.64.0.0", 10],
    ["127.0.0.0", 8],
    ["169.254.0.0", 16],
    ["172.16.0.0", 12],
    ["192.0.0.0", 24],
    ["192.0.2.0", 24],
    ["192.88.99.0", 24],
    ["192.168.0.0", 16],
    ["198.18.0.0", 15],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
    ["224.0.0.0", 4],
    ["240.0.0.0", 4],
  ];
  const v6: Array<[string, number]> = [
    ["::", 128],
    ["::1", 128],
    ["64:ff9b::", 96],
    ["100::", 64],
    ["2001::", 32],
    ["2001:db8::", 32],
    ["2002::", 16],
    ["fc00::", 7],
    ["fe80::", 10],
    ["ff00::", 8],
  ];
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, "ipv4");
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, "ipv6");
  return list;
})();

/** True for an address on the public internet (not loopback, private, link-local or reserved). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return !NOT_PUBLIC.check(mapped, "ipv4");
  return !NOT_PUBLIC.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Whether `host` matches one of the patterns: exact, or `*.example.com` for any subdomain of it. */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.startsWith("*.") ? name.endsWith(p.slice(1)) && name.length > p.length - 1 : name === p;
  });
}

const resolveAll: ResolveHost = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/** The host of a URL without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * Checks a callback URL against the policy: http(s), no credentials, an allowed host, and (unless
 * private addresses are allowed) every address it resolves to on the public internet. The
 * reason names the config key to change.
 */
export async function checkCallbackUrl(
  raw: string,
  policy: CallbackPolicy,
  resolve: ResolveHost = resolveAll,
): Promise<CallbackCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "callback_url is not a valid URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { ok: false, reason: "callback_url must be an http(s) URL" };
  if (url.username || url.password) return { ok: false, reason: "callback_url must not carry credentials" };
  if (policy.allowedHosts.length === 0) {
    return {
      ok: false,
      reason: "webhooks are disabled on this deployment: config webhooks.allowed_hosts is empty",
    };
  }
  const host = bareHost(url);
  if (!hostAllowed(host, policy.allowedHosts)) {
    return { ok: false, reason: `callback_url host ${host} is not in config webhooks.allowed_hosts` };
  }
  if (policy.allowPrivate) return { ok: true, url };
  let addresses: readonly string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = (await resolve(host)).map((a) => a.address);
    } catch {
      return { ok: false, reason: `callback_url host ${host} does not resolve` };
    }
  }
  const blocked = addresses.find((a) => !isPublicAddress(a));
  if (addresses.length === 0 || blocked !== undefined) {
    return {
      ok: false,
      reason: `callback_url host ${host} resolves to a loopback or private address; set config webhooks.allow_private to allow it`,
    };
  }
  return { ok: true, url };
}

/**
 * A `lookup` for http.request that refuses to connect to non-public addresses: the check runs
 * on the addresses actually dialled, so a DNS answer that changes after validation cannot
 * redirect a delivery into the private network.
 */
export function guardedLookup(policy: CallbackPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const blocked = addresses.find((a) => !isPublicAddress(a.address));
      if (!policy.allowPrivate && (blocked || addresses.length === 0)) {
        const refused = Object.assign(
          new Error(`refusing to connect to ${hostname}: it resolves to a non-public address`),
          {
            code: "EADDRNOTALLOWED",
          },
        );
        return callback(refused, "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
      callback(null, first.address, first.family);
    });
  };
}
