import type { AdminHttp } from './http'
import { request, type Query } from './routes'
import type { Series, UsageGroup, UsageLog, UsageLogPage, UsageTotals } from './types'

/** The filter every usage query shares: account, node and time range. */
export type UsageScope = Omit<Query<'GET /admin/api/usage/summary'>, 'group_by'>
export type UsageGroupBy = NonNullable<Query<'GET /admin/api/usage/summary'>['group_by']>

/** Usage totals, groups, time series and request records. */
export function usageApi(http: AdminHttp) {
  return {
    summary: async (scope: UsageScope): Promise<UsageTotals> =>
      (await request(http, 'GET /admin/api/usage/summary', { query: scope })) as UsageTotals,
    groups: async (scope: UsageScope, by: UsageGroupBy): Promise<UsageGroup[]> => {
      const answer = await request(http, 'GET /admin/api/usage/summary', {
        query: { ...scope, group_by: by },
      })
      return 'groups' in answer ? answer.groups : []
    },
    series: (query: Query<'GET /admin/api/usage/series'>): Promise<Series> =>
      request(http, 'GET /admin/api/usage/series', { query }),
    /** One page of request records, newest first, with `has_more` (docs/contract.md §12.1). */
    logPage: (query: Query<'GET /admin/api/usage/logs'>): Promise<UsageLogPage> =>
      request(http, 'GET /admin/api/usage/logs', { query }),
    /** One request's record with its attempts; another tenant's request is a 404. */
    log: (requestId: string): Promise<UsageLog> =>
      request(http, 'GET /admin/api/usage/logs/{request_id}', {
        params: { request_id: requestId },
      }),
  }
}
