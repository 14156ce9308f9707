/**
 * `x-qcc-overhead-ms` (docs/contract.md §12.1): the proxy's own time before an answer's headers,
 * from the moment the request's body was read, less the time spent waiting on upstreams (from
 * sending an attempt to its headers or first event, or its failure).
 */
export class Overhead {
  private waited = 0
  constructor(
    private readonly now: () => number,
    private readonly readAt: number,
  ) {}

  /** Time from sending an attempt to its answer (or failure): the upstream's, not ours. */
  waitedOn(sentAt: number): void {
    this.waited += this.now() - sentAt
  }

  /** The header's value: milliseconds with two decimals, never negative. */
  header(): string {
    return Math.max(0, this.now() - this.readAt - this.waited).toFixed(2)
  }
}
