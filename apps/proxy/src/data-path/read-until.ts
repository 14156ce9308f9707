import type { Readable } from 'node:stream'

/**
 * Reads a body chunk by chunk until `enough` says so or the body ends, within `timeoutMs`, then
 * leaves it paused with no listeners of ours, ready for the relay. What it read is kept in
 * `chunks` (it goes to the client first). Resolves with whether the body ended.
 */
export function readUntil(
  body: Readable,
  timeoutMs: number,
  timeoutError: () => Error,
  chunks: Buffer[],
  enough: (chunk: Buffer) => boolean,
): Promise<{ ended: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(timeoutError()), timeoutMs)
    function finish(err: Error | null, ended = false): void {
      clearTimeout(timer)
      body.off('data', onData)
      body.off('end', onEnd)
      body.off('error', onError)
      body.pause()
      if (err) reject(err)
      else resolve({ ended })
    }
    function onData(chunk: Buffer): void {
      chunks.push(chunk)
      if (enough(chunk)) finish(null)
    }
    const onEnd = () => finish(null, true)
    const onError = (err: Error) => finish(err)
    body.on('data', onData)
    body.on('end', onEnd)
    body.on('error', onError)
  })
}
