import { accountsApi } from './accounts'
import { configApi } from './config'
import type { AdminHttp } from './http'
import { keysApi } from './keys'
import { nodesApi } from './nodes'
import { notificationsApi } from './notifications'
import { pricingApi } from './pricing'
import { sessionApi } from './session'
import { sharesApi } from './shares'
import { toolsApi } from './tools'
import { tunnelApi } from './tunnel'
import { usageApi } from './usage'

/**
 * The admin API as typed resource methods, over one transport (the 401 guard and test fakes
 * wrap the transport, so every method goes through them). Pages and models call these, never
 * a path.
 */
export function createAdminApi(http: AdminHttp) {
  return {
    session: sessionApi(http),
    accounts: accountsApi(http),
    nodes: nodesApi(http),
    keys: keysApi(http),
    config: configApi(http),
    usage: usageApi(http),
    pricing: pricingApi(http),
    shares: sharesApi(http),
    tools: toolsApi(http),
    notifications: notificationsApi(http),
    tunnel: tunnelApi(http),
  }
}
export type AdminApi = ReturnType<typeof createAdminApi>
