/** Where the server listens: `:PORT` (all interfaces) or `HOST:PORT`, as qcc_plus accepted. */
export interface ListenAddr {
  host: string | undefined
  port: number
}

export function parseListenAddr(value: string): ListenAddr {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim())
  if (!match) throw new Error(`expected ":PORT" or "HOST:PORT", got "${value}"`)
  const port = Number(match[3])
  if (port > 65_535) throw new Error(`port ${port} is out of range`)
  const host = match[1] ?? (match[2] || undefined)
  return { host, port }
}
