import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * A TCP relay on 127.0.0.1 in front of the machine's Redis, so a test can take "Redis" away from
 * the code under test without touching the real redis-server: `cut` closes the listener and every
 * connection (a refused reconnect, like a Redis that is down), `stall` keeps connections open but
 * drops what they send (a host that swallows packets), `restore` brings it back on the same port.
 */
export interface RedisRelay {
  readonly port: number
  /** `redis://127.0.0.1:<port>/<db>`. */
  url(db?: number): string
  cut(): Promise<void>
  stall(): void
  restore(): Promise<void>
  close(): Promise<void>
}

export async function startRedisRelay(target = 6379): Promise<RedisRelay> {
  const sockets = new Set<Socket>()
  let stalled = false
  let server: Server | undefined

  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(target, '127.0.0.1')
        sockets.add(client).add(upstream)
        const drop = () => {
          client.destroy()
          upstream.destroy()
          sockets.delete(client)
          sockets.delete(upstream)
        }
        client.on('data', (chunk) => void (stalled || upstream.write(chunk)))
        upstream.on('data', (chunk) => void (stalled || client.write(chunk)))
        for (const socket of [client, upstream]) {
          socket.on('error', drop)
          socket.on('close', drop)
        }
      })
      s.once('error', reject)
      s.listen(port, '127.0.0.1', () => resolve(s))
    })

  server = await listen(0)
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('relay has no port')
  const port = address.port

  const cut = async () => {
    const s = server
    server = undefined
    for (const socket of sockets) socket.destroy()
    sockets.clear()
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
  }
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    cut,
    stall: () => void (stalled = true),
    async restore() {
      stalled = false
      if (!server) server = await listen(port)
    },
    close: cut,
  }
}
