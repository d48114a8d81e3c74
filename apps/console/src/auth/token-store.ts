const KEY = "orch.console.token";

/**
 * The API token, kept in sessionStorage: it lives as long as the tab, is never sent by the
 * browser on its own (unlike a cookie, so no cross-site request can use it), and is gone when
 * the tab closes.
 */
export const tokenStore = {
  get(): string | undefined {
    return sessionStorage.getItem(KEY) ?? undefined;
  },
  set(token: string): void {
    sessionStorage.setItem(KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};
