import type { TunnelStore } from '../interface'
import { openTunnel, patchedTunnelRow } from '../rows/tunnel'
import type { Mem } from './state'

/** The tunnel config of the memory adapter. */
export function memoryTunnel(m: Mem): TunnelStore {
  const { state, ctx } = m
  return {
    async getTunnelConfig() {
      return state.tunnel ? openTunnel(ctx.box, state.tunnel) : null
    },
    async setTunnelConfig(patch) {
      state.tunnel = patchedTunnelRow(ctx.box, state.tunnel, patch, ctx.now())
      m.changed()
      return openTunnel(ctx.box, state.tunnel)
    },
  }
}
