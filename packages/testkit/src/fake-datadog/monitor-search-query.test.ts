import { describe, expect, it } from "vitest";
import { evaluateSearch, parseMonitorSearch, searchTerms, type SearchTerm } from "./monitor-search-query.js";

/** Whether `query` holds for a monitor with these tags (`tag:`) and this status. */
const holds = (query: string, tags: readonly string[], status = "OK") =>
  evaluateSearch(parseMonitorSearch(query), (t: SearchTerm) =>
    t.key === "tag" ? tags.includes(t.value) : t.key === "status" ? status.toLowerCase() === t.value : false,
  );

describe("monitor search query", () => {
  it("reads quoted values holding reserved characters as one tag", () => {
    expect(searchTerms(parseMonitorSearch('tag:"service:api-gateway" scope:env:prod'))).toEqual([
      { key: "tag", value: "service:api-gateway" },
      { key: "scope", value: "env:prod" },
    ]);
  });

  it("joins terms by AND when nothing stands between them, and binds AND tighter than OR", () => {
    expect(holds('tag:"a:1" tag:"b:2"', ["a:1"])).toBe(false);
    expect(holds('tag:"a:1" tag:"b:2"', ["a:1", "b:2"])).toBe(true);
    expect(holds('tag:"a:1" AND tag:"b:2" OR tag:"c:3"', ["c:3"])).toBe(true);
    expect(holds('tag:"a:1" AND (tag:"b:2" OR tag:"c:3")', ["c:3"])).toBe(false);
  });

  it("negates with NOT or a leading minus, and applies an attribute to a parenthesised list", () => {
    expect(holds('tag:"a:1" NOT status:Alert', ["a:1"], "Alert")).toBe(false);
    expect(holds('tag:"a:1" -status:Alert', ["a:1"], "Warn")).toBe(true);
    expect(holds("status:(Alert OR Warn)", [], "Warn")).toBe(true);
    expect(holds("status:(Alert OR Warn)", [], "OK")).toBe(false);
  });

  it("refuses unbalanced parentheses and a dangling operator", () => {
    expect(() => parseMonitorSearch('(tag:"a:1"')).toThrow(/parentheses/);
    expect(() => parseMonitorSearch('tag:"a:1")')).toThrow(/unexpected/);
    expect(() => parseMonitorSearch('tag:"a:1" OR')).toThrow(/unexpected/);
  });
});
