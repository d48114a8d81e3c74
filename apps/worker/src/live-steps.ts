/**
 * Steps published live as they happen, batched per turn of the event loop: parallel reads that
 * finish together (cache hits) go out as one event-stream write instead of one each.
 */
export class LiveSteps {
  private pending: unknown[] = [];
  private scheduled = false;

  constructor(private readonly publish: (steps: unknown[]) => Promise<void>) {}

  add(step: unknown): void {
    this.pending.push(step);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Sends what is pending now (before the phase saves, so live steps precede its phase event). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const steps = this.pending;
    this.pending = [];
    void this.publish(steps);
  }
}
