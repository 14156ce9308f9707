/**
 * Wraps a reload so calls that arrive while one runs fold into exactly one more run after it:
 * the last call always sees fresh data, and a burst of calls costs at most two reads.
 */
export function coalesced(run: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | null = null
  let again = false
  return () => {
    if (inFlight) {
      again = true
      return inFlight
    }
    inFlight = (async () => {
      try {
        do {
          again = false
          await run()
        } while (again)
      } finally {
        inFlight = null
      }
    })()
    return inFlight
  }
}
