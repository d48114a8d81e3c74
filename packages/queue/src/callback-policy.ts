import { BlockList, isIP, type LookupFunction } from "node:net";
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";

/** Where webhooks may go, from config `webhooks`. */
export interface CallbackPolicy {
  /** Exact host names or `*.example.com` patterns; empty disables webhooks. */
  readonly allowedHosts: readonly string[];
  /** Allow loopback, private and link-local addresses (local development, tests). */
  readonly allowPrivate: boolean;
}

export type CallbackCheck =
  { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly reason: string };

/** Resolves a host name to all its addresses (the system resolver unless a test passes its own). */
export type ResolveHost = (
  host: string,
  options?: Omit<LookupOptions, "all">,
) => Promise<readonly LookupAddress[]>;

/** How long the check at submit waits for DNS before refusing the URL. */
export const CALLBACK_DNS_TIMEOUT_MS = 2000;

/** IPv4 ranges no callback may reach unless `allowPrivate`: loopback, private, link-local, reserved. */
const NOT_PUBLIC_V4 = (() => {
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
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, "ipv4");
  return list;
})();

/**
 * IPv6 ranges refused outright. The forms that embed an IPv4 address (mapped `::ffff:0:0/96`,
 * translated `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96`) are judged by that address instead, and
 * the deprecated IPv4-compatible `::/96` (`::127.0.0.1`, with `::` and `::1`) is refused whole.
 */
const NOT_PUBLIC_V6 = (() => {
  const list = new BlockList();
  const v6: Array<[string, number]> = [
    ["64:ff9b:1::", 48],
    ["100::", 64],
    ["2001::", 23],
    ["2001:db8::", 32],
    ["2002::", 16],
    ["fc00::", 7],
    ["fe80::", 10],
    ["fec0::", 10],
    ["ff00::", 8],
  ];
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, "ipv6");
  return list;
})();

/** The eight 16-bit groups of a valid IPv6 address (zone id dropped, a dotted tail folded in). */
function ipv6Groups(address: string): number[] {
  let text = address.split("%")[0] ?? "";
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return groups.map((g) => parseInt(g, 16));
}

/** The IPv4 address in the last 32 bits of an IPv6 address, dotted. */
function embeddedV4(groups: readonly number[]): string {
  const [hi = 0, lo = 0] = groups.slice(6);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True for an address on the public internet (not loopback, private, link-local or reserved). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return !NOT_PUBLIC_V4.check(address, "ipv4");
  const g = ipv6Groups(address);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (translated) reach the IPv4 address itself.
  if (zeros(0, 5) && g[5] === 0xffff) return isPublicAddress(embeddedV4(g));
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return isPublicAddress(embeddedV4(g));
  // ::/96: unspecified, loopback and the deprecated IPv4-compatible form (::127.0.0.1).
  if (zeros(0, 6)) return false;
  // NAT64's well-known prefix reaches the embedded IPv4 address through a translator.
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return isPublicAddress(embeddedV4(g));
  return !NOT_PUBLIC_V6.check(address.split("%")[0] ?? "", "ipv6");
}

/** Whether `host` matches one of the patterns: exact, or `*.example.com` for any subdomain of it. */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.startsWith("*.") ? name.endsWith(p.slice(1)) && name.length > p.length - 1 : name === p;
  });
}

const resolveAll: ResolveHost = (host, options = {}) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { verbatim: true, ...options, all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/** `resolve(host)`, or undefined once `ms` pass (getaddrinfo cannot be cancelled, only abandoned). */
async function resolveWithin(
  resolve: ResolveHost,
  host: string,
  ms: number,
): Promise<readonly LookupAddress[] | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((done) => {
    timer = setTimeout(() => done(undefined), ms);
  });
  try {
    return await Promise.race([resolve(host), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The host of a URL without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * Checks a callback URL against the policy: http(s), no credentials, an allowed host, and (unless
 * private addresses are allowed) every address it resolves to on the public internet, resolved
 * within `dnsTimeoutMs`. The reason names the config key to change.
 */
export async function checkCallbackUrl(
  raw: string,
  policy: CallbackPolicy,
  resolve: ResolveHost = resolveAll,
  dnsTimeoutMs = CALLBACK_DNS_TIMEOUT_MS,
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
    let answer: readonly LookupAddress[] | undefined;
    try {
      answer = await resolveWithin(resolve, host, dnsTimeoutMs);
    } catch {
      return { ok: false, reason: `callback_url host ${host} does not resolve` };
    }
    if (!answer) {
      return {
        ok: false,
        reason: `callback_url host ${host} did not resolve within ${dnsTimeoutMs / 1000} s; try again, or check the host's DNS`,
      };
    }
    addresses = answer.map((a) => a.address);
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
export function guardedLookup(policy: CallbackPolicy, resolve: ResolveHost = resolveAll): LookupFunction {
  return (hostname, options, callback) => {
    const { all, ...hints } = options;
    const answered = (error: NodeJS.ErrnoException | null, addresses: readonly LookupAddress[]) => {
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
      if (all)
        return (callback as unknown as (e: null, a: readonly LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "", 0);
      callback(null, first.address, first.family);
    };
    resolve(hostname, hints).then(
      (addresses) => answered(null, addresses),
      (error: NodeJS.ErrnoException) => answered(error, []),
    );
  };
}
