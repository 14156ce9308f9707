/**
 * Runs routing reloads one at a time, in the order asked. A reload applies what it read, so
 * running them in order means the state applied last was also read last: a whole reload that
 * read the database before an admin change cannot land after that change's account reload.
 * A job asked for again while it still waits to start runs once (it reads after both asks).
 */
export class SerialJobs {
  private tail: Promise<unknown> = Promise.resolve()
  private readonly waiting = new Map<string, Promise<void>>()

  /** Queues `job` under `key`; answers when it (or the same waiting job) has run. */
  run(key: string, job: () => Promise<void>): Promise<void> {
    const queued = this.waiting.get(key)
    if (queued) return queued
    const started = this.tail.then(() => {
      this.waiting.delete(key)
      return job()
    })
    this.waiting.set(key, started)
    this.tail = started.catch(() => undefined)
    return started
  }
}
