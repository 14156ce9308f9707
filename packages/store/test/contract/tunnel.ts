import { expect, it } from 'vitest'
import { contractPart } from '../support/harness'

/** The tunnel config. */
export const tunnelContract = contractPart('tunnel', (stores) => {
  it('stores the tunnel config', async () => {
    const store = await stores.open()
    expect(await store.getTunnelConfig()).toBeNull()
    const t = await store.setTunnelConfig({ zone: 'example.com', apiToken: 'cf-token-1' })
    expect(t).toMatchObject({
      enabled: false,
      zone: 'example.com',
      subdomain: null,
      apiToken: 'cf-token-1',
    })
    const t2 = await store.setTunnelConfig({ enabled: true, subdomain: 'qcc' })
    expect(t2).toMatchObject({
      enabled: true,
      zone: 'example.com',
      subdomain: 'qcc',
      apiToken: 'cf-token-1',
    })
    expect(await store.getTunnelConfig()).toEqual(t2)
    expect((await store.setTunnelConfig({ apiToken: null })).apiToken).toBeNull()
  })
})
