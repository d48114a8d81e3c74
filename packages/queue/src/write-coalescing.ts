import type { Redis } from "ioredis";
import type { Writable } from "node:stream";

/**
 * Makes the commands a connection sends in one turn of the event loop leave in one socket write.
 *
 * ioredis writes each command to its socket as it is issued: one system call each, and on a
 * loopback or LAN socket the kernel does the receiving side's work inside that call too. A
 * POST /jobs issues several commands in one turn (the job record, its indexes), and under load the
 * replies of many requests arrive in one read, so their next commands are issued together: the
 * writes were most of the API's CPU time. Corking the socket until the turn's queued callbacks
 * have run (`process.nextTick`) joins them into one `writev`, with no added latency and without
 * ioredis' auto-pipelining, which copies every script of the connection onto each pipeline.
 * Commands keep their order, replies their matching: only the socket's writes are grouped.
 */
export function coalesceWrites(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  let corked: Writable | undefined;
  const flush = () => {
    const socket = corked;
    corked = undefined;
    socket?.uncork();
  };
  redis.sendCommand = (...args: Parameters<Redis["sendCommand"]>) => {
    // A pipeline's commands pass their own stream and are written by the pipeline in one go.
    const socket = args[1] === undefined ? (redis.stream as Writable | undefined) : undefined;
    if (corked === undefined && socket?.writable) {
      socket.cork();
      corked = socket;
      process.nextTick(flush);
    }
    return send(...args);
  };
}
