/**
 * How far the schedd has handled each startd's numbered run reports, so that a transfer a startd begins
 * after a report is handled after that report. Reports come on the startd's websocket and transfers over
 * HTTP, two connections with no order between them; a transfer names the last report the startd had not
 * seen acknowledged when it began (`x-tinycondor-after-report`), and waits here until that one is handled.
 * A run's state thus changes in one order, the order in which the startd saw it change.
 *
 * A startd numbers its reports from 1 in each process; the schedd gives a new process (and every startd,
 * once the schedd restarts) a new key, and the count starts again with it.
 */
export class ReportOrder {
  private readonly handled = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();

  /** The startd got a new key: its numbering starts again; what waited under the old key waits no more. */
  restart(startdName: string): void {
    this.handled.delete(startdName);
    for (const waiter of this.waiting.get(startdName) ?? []) waiter.settle(false);
    this.waiting.delete(startdName);
  }

  /** The startd's reports up to `seq` are handled (committed). */
  handledThrough(startdName: string, seq: number): void {
    if (seq <= (this.handled.get(startdName) ?? 0)) return;
    this.handled.set(startdName, seq);
    const waiters = this.waiting.get(startdName);
    if (!waiters) return;
    const still = waiters.filter((waiter) => !(waiter.seq <= seq && waiter.settle(true)));
    if (still.length > 0) this.waiting.set(startdName, still);
    else this.waiting.delete(startdName);
  }

  /** Whether the startd's report `seq` is handled (0: no report). */
  isHandled(startdName: string, seq: number): boolean {
    return seq <= (this.handled.get(startdName) ?? 0);
  }

  /**
   * Resolves true once the startd's report `seq` is handled, false if that does not happen within
   * `timeoutMs` (its channel is down) or the startd starts numbering again.
   */
  async whenHandled(startdName: string, seq: number, timeoutMs: number): Promise<boolean> {
    if (this.isHandled(startdName, seq)) return true;
    return new Promise<boolean>((resolve) => {
      const waiter = new Waiter(seq, resolve);
      waiter.timer = setTimeout(() => {
        waiter.settle(false);
        const waiters = this.waiting.get(startdName)?.filter((w) => w !== waiter) ?? [];
        if (waiters.length > 0) this.waiting.set(startdName, waiters);
        else this.waiting.delete(startdName);
      }, timeoutMs);
      this.waiting.set(startdName, [...(this.waiting.get(startdName) ?? []), waiter]);
    });
  }
}

class Waiter {
  timer: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(
    readonly seq: number,
    private readonly resolve: (handled: boolean) => void,
  ) {}

  /** Resolves once; returns true so it can be used in a filter. */
  settle(handled: boolean): boolean {
    if (!this.settled) {
      this.settled = true;
      clearTimeout(this.timer);
      this.resolve(handled);
    }
    return true;
  }
}
