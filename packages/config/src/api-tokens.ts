import { createHash } from "node:crypto";
import { ConfigError } from "./config-error.js";

/** A bearer token the API accepts, and whose jobs it owns. */
export interface ApiToken {
  readonly token: string;
  /** Jobs and sessions belong to the owner; tokens with the same name share them. */
  readonly owner: string;
  readonly name: string;
  readonly admin: boolean;
}

/** A stable, non-secret id of a token, for logs and ownership. */
export function tokenFingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 12);
}

/**
 * Parses API_TOKENS: comma-separated entries, each a plain token optionally followed by
 * `;name=<name>` and `;role=admin`, e.g. `s3cret,0ps-t0ken;name=ops;role=admin`.
 */
export function parseApiTokens(text: string | undefined): ApiToken[] {
  if (!text) return [];
  const tokens: ApiToken[] = [];
  for (const [i, raw] of text.split(",").entries()) {
    const entry = raw.trim();
    if (entry === "") continue;
    const [token = "", ...attrs] = entry.split(";").map((p) => p.trim());
    if (!/^[\x21-\x7e]+$/.test(token) || token.includes(";")) {
      throw new ConfigError(`API_TOKENS entry ${i + 1}: a token must be printable ASCII without spaces`);
    }
    let name: string | undefined;
    let admin = false;
    for (const attr of attrs) {
      const [key, value = ""] = attr.split("=", 2).map((p) => p.trim());
      if (key === "name" && /^[A-Za-z0-9_.-]{1,64}$/.test(value)) name = value;
      else if (key === "role" && (value === "admin" || value === "user")) admin = value === "admin";
      else
        throw new ConfigError(
          `API_TOKENS entry ${i + 1}: unknown attribute "${key}"; use ;name=<letters, digits, _ . -> or ;role=admin`,
        );
    }
    const fingerprint = tokenFingerprint(token);
    tokens.push({
      token,
      name: name ?? `token-${fingerprint}`,
      owner: name ?? `token-${fingerprint}`,
      admin,
    });
  }
  return tokens;
}
