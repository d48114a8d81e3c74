import { describe, expect, it } from "vitest";
import { SseParser } from "../src/index.js";

describe("SseParser", () => {
  it("parses events split across chunks at any point", () => {
    const text =
      'retry: 2000\n\nid: 1-0\nevent: status\ndata: {"status":"queued"}\n\n: heartbeat\n\nid: 2-0\nevent: end\ndata: {"a":1}\n\n';
    for (let cut = 0; cut < text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events).toEqual([
        { id: "1-0", event: "status", data: '{"status":"queued"}' },
        { id: "2-0", event: "end", data: '{"a":1}' },
      ]);
      expect(parser.lastEventId).toBe("2-0");
      expect(parser.retryMs).toBe(2000);
      expect(parser.comments).toBe(1);
    }
  });

  it("joins multi-line data, accepts CRLF and CR line ends, and defaults the event type", () => {
    const parser = new SseParser();
    expect(parser.push("data: one\r\ndata: two\r\n\r\ndata:three\r\rdata: four\n\n")).toEqual([
      { event: "message", data: "one\ntwo" },
      { event: "message", data: "three" },
      { event: "message", data: "four" },
    ]);
  });

  it("ignores blocks without data and keeps the last id for resuming", () => {
    const parser = new SseParser();
    expect(parser.push("id: 7-1\n\nevent: x\n\n")).toEqual([]);
    expect(parser.lastEventId).toBe("7-1");
  });
});
