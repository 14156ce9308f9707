import type { AdminHttp } from './http'
import { request, type Query } from './routes'
import type { AuditEntry, ClaudeConfigInput, EnvVar, GeneratedClaudeConfig } from './types'

/** The read-mostly helpers: Claude Code setup files, the effective env and the audit log. */
export function toolsApi(http: AdminHttp) {
  return {
    generateClaudeConfig: (input: ClaudeConfigInput): Promise<GeneratedClaudeConfig> =>
      request(http, 'POST /admin/api/claude-config', { body: input }),
    env: async (): Promise<EnvVar[]> => (await request(http, 'GET /admin/api/env')).vars,
    /** One page of the audit log, newest first. */
    audit: async (query: Query<'GET /admin/api/audit'>): Promise<AuditEntry[]> =>
      (await request(http, 'GET /admin/api/audit', { query })).entries,
  }
}
