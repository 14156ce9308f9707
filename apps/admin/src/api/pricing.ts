import type { AdminHttp } from './http'
import { request } from './routes'
import type { Price, PriceInput, UnpricedModel } from './types'

/** Model prices in USD per million tokens (everyone reads, admins write). */
export function pricingApi(http: AdminHttp) {
  return {
    list: async (): Promise<Price[]> => (await request(http, 'GET /admin/api/pricing')).pricing,
    /** Model ids seen without a table price (admins; docs/contract.md §15). */
    unpriced: async (): Promise<UnpricedModel[]> =>
      (await request(http, 'GET /admin/api/pricing/unpriced')).models,
    save: async (input: PriceInput): Promise<void> => {
      await request(http, 'PUT /admin/api/pricing', { body: input })
    },
    remove: async (model: string): Promise<void> => {
      await request(http, 'DELETE /admin/api/pricing', { query: { model } })
    },
  }
}
