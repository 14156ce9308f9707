import type { IncomingMessage } from 'node:http'

/** The request body is bigger than the limit; answered with 413 before any upstream contact. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError'
  readonly code = 'body_too_large'
  readonly retryable = false
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`)
  }
}

/**
 * Reads the whole request body (it is replayed on failover), refusing more than `limit` bytes
 * whether the client sent `content-length` or a chunked body.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > limit) {
    req.resume()
    return Promise.reject(new BodyTooLargeError(limit))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners('data')
        req.resume()
        reject(new BodyTooLargeError(limit))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    )
    req.on('error', reject)
  })
}
