// Generated from the admin API's openapi.json (apps/proxy/src/admin/openapi.ts) by
// apps/proxy/test/console-types.test.ts. Do not edit: after a change to a route's schemas, run
// `cd apps/proxy && npx vitest run test/console-types.test.ts -u` and commit the result.

/** Every route in openapi.json: path parameters, query, JSON body and success answer. */
/** `never`: the route takes none; `unknown`: the document does not describe the answer. */
export interface AdminRoutes {
  /** Delete an account with its keys, nodes and sessions (admins only: 403 for a tenant on its own account, 404 on any other) */
  'DELETE /admin/api/accounts': {
    params: never
    query: {
      id: string
    }
    body: never
    answer: unknown
  }
  /** Accounts (a tenant sees only its own) */
  'GET /admin/api/accounts': {
    params: never
    query: never
    body: never
    answer: {
      accounts: {
        id: string
        name: string
        is_admin: boolean
        disabled: boolean
        key_prefix: string | null
        /** RFC 3339 UTC */
        created_at: string
        /** binding all the account's keys together (docs/contract.md §10) */
        limits: {
          rpm?: number
          tpm?: number
          concurrency?: number
          cost_5h_usd?: number
          cost_daily_usd?: number
          cost_weekly_usd?: number
          cost_monthly_usd?: number
          cost_total_usd?: number
          models?: string[]
          ips?: string[]
          /** RFC 3339 UTC */
          expires_at?: string
          expires_after_first_use_days?: number
        }
        windows: {
          concurrency?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          rpm?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          tpm?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          cost_5h_usd?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          cost_daily_usd?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          cost_weekly_usd?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          cost_monthly_usd?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          cost_total_usd?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
        }
      }[]
    }
  }
  /** Create an account with its first proxy key */
  'POST /admin/api/accounts': {
    params: never
    query: never
    body: {
      name: string
      password?: string
      proxy_api_key?: string
      is_admin?: boolean
    }
    answer: {
      id: string
      name: string
      is_admin: boolean
      /** shown in this answer only */
      proxy_api_key: string
    }
  }
  /** Update an account (partial; `limits` merges field by field, a null field removes that limit, "limits": null removes them all; limits are for admins only: 403 for a tenant) */
  'PUT /admin/api/accounts': {
    params: never
    query: {
      id: string
    }
    body: {
      name?: string
      password?: string
      proxy_api_key?: string
      is_admin?: boolean
      disabled?: boolean
      limits?: {
        rpm?: number | null
        tpm?: number | null
        concurrency?: number | null
        cost_5h_usd?: number | null
        cost_daily_usd?: number | null
        cost_weekly_usd?: number | null
        cost_monthly_usd?: number | null
        cost_total_usd?: number | null
        models?: string[] | null
        ips?: string[] | null
        expires_at?: string | null
        expires_after_first_use_days?: number | null
      } | null
    }
    answer: unknown
  }
  /** Audit log of admin actions, newest first */
  'GET /admin/api/audit': {
    params: never
    query: {
      account_id?: string
      action?: string
      from?: string
      to?: string
      limit?: number
      offset?: number
    }
    body: never
    answer: {
      entries: {
        id: string
        /** RFC 3339 UTC */
        at: string
        actor_id: string | null
        account_id: string | null
        action: string
        target_type: string | null
        target_id: string | null
        ip: string | null
        detail: Record<string, unknown> | null
      }[]
    }
  }
  /** Generate a Claude Code settings.json with a download link */
  'POST /admin/api/claude-config': {
    params: never
    query: never
    body: {
      account_id?: string
      proxy_url?: string
      api_key?: string
      new_key?: boolean
      model?: string
      allow?: string[]
      deny?: string[]
    }
    answer: {
      account_name: string
      settings: {
        env: {
          ANTHROPIC_BASE_URL: string
          ANTHROPIC_AUTH_TOKEN: string
        }
        permissions: {
          allow: string[]
          deny: string[]
        }
        model?: string
      }
      /** the settings above as the file holds them */
      config_json: string
      config_id: string
      /** works once */
      download_url: string
      /** RFC 3339 UTC */
      expires_at: string
      install_cmd: {
        unix: string
        windows: string
      }
    }
  }
  /** Effective per-account settings and overrides */
  'GET /admin/api/config': {
    params: never
    query: {
      account_id?: string
    }
    body: never
    answer: {
      account_id: string
      retries: number
      fail_limit: number
      health_interval_sec: number
      sticky_ttl_sec: number
      sticky_policy: 'cache_first' | 'cost_first'
      /** median TTFB above which a binding is dropped; null: never */
      sticky_break_ttfb_ms: number | null
      /** null: the env value applies */
      overrides: {
        retries: number | null
        fail_limit: number | null
        health_interval_sec: number | null
        sticky_ttl_sec: number | null
        sticky_policy: 'cache_first' | 'cost_first' | null
        /** 0: never */
        sticky_break_ttfb_ms: number | null
      }
    }
  }
  /** Set per-account overrides (null unsets; health_interval_sec 1 to 3600, at least 30 from a tenant) */
  'PUT /admin/api/config': {
    params: never
    query: {
      account_id?: string
    }
    body: {
      retries?: number | null
      fail_limit?: number | null
      health_interval_sec?: number | null
      sticky_ttl_sec?: number | null
      sticky_policy?: 'cache_first' | 'cost_first' | null
      sticky_break_ttfb_ms?: number | null
    }
    answer: unknown
  }
  /** Effective configuration, secrets masked */
  'GET /admin/api/env': {
    params: never
    query: never
    body: never
    answer: {
      vars: {
        name: string
        /** null: unset; secrets masked */
        value: string | null
        secret: boolean
      }[]
    }
  }
  /** Live console events (node.state, request, health.check, config.changed) as SSE; at most 5 per session (a new one closes the oldest) */
  'GET /admin/api/events': {
    params: never
    query: never
    body: never
    answer: unknown
  }
  /** Health-check history of a node or an account (default: last 24 h) */
  'GET /admin/api/health/history': {
    params: never
    query: {
      node_id?: string
      account_id?: string
      source?: 'scheduled' | 'recovery' | 'proxy_fail' | 'warmup' | 'sweep'
      from?: string
      to?: string
      limit?: number
      offset?: number
    }
    body: never
    answer: {
      checks: {
        id: string
        node_id: string
        account_id: string
        /** RFC 3339 UTC */
        at: string
        ok: boolean
        latency_ms: number | null
        /** HTTP status, when one was received */
        status: number | null
        error: string | null
        method: string
        source: 'scheduled' | 'recovery' | 'proxy_fail' | 'warmup' | 'sweep'
      }[]
    }
  }
  /** Proxy keys (prefix only) */
  'GET /admin/api/keys': {
    params: never
    query: {
      account_id?: string
    }
    body: never
    answer: {
      keys: {
        id: string
        account_id: string
        name: string | null
        prefix: string
        /** RFC 3339 UTC */
        created_at: string
        revoked_at: string | null
        last_used_at: string | null
        /** starts expires_after_first_use_days */
        first_used_at: string | null
        limits: {
          rpm?: number
          tpm?: number
          concurrency?: number
          cost_5h_usd?: number
          cost_daily_usd?: number
          cost_weekly_usd?: number
          cost_monthly_usd?: number
          cost_total_usd?: number
          models?: string[]
          ips?: string[]
          /** RFC 3339 UTC */
          expires_at?: string
          expires_after_first_use_days?: number
        }
        /** the key's own limits */
        windows: {
          concurrency?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          rpm?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          tpm?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          cost_5h_usd?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          cost_daily_usd?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          cost_weekly_usd?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          cost_monthly_usd?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
          cost_total_usd?: {
            used: number
            limit: number
            /** RFC 3339 UTC; absent for slots and all-time spend */
            resets_at?: string
          }
        }
      }[]
    }
  }
  /** Create a proxy key, optionally with limits (a tenant never beyond its account's: 400); the key is shown in this answer only (a tenant account holds at most 50 live keys: 409 beyond) */
  'POST /admin/api/keys': {
    params: never
    query: {
      account_id?: string
    }
    body: {
      name?: string
      key?: string
      limits?: {
        rpm?: number | null
        tpm?: number | null
        concurrency?: number | null
        cost_5h_usd?: number | null
        cost_daily_usd?: number | null
        cost_weekly_usd?: number | null
        cost_monthly_usd?: number | null
        cost_total_usd?: number | null
        models?: string[] | null
        ips?: string[] | null
        expires_at?: string | null
        expires_after_first_use_days?: number | null
      } | null
    }
    answer: {
      id: string
      account_id: string
      name: string | null
      prefix: string
      /** RFC 3339 UTC */
      created_at: string
      revoked_at: string | null
      last_used_at: string | null
      /** starts expires_after_first_use_days */
      first_used_at: string | null
      limits: {
        rpm?: number
        tpm?: number
        concurrency?: number
        cost_5h_usd?: number
        cost_daily_usd?: number
        cost_weekly_usd?: number
        cost_monthly_usd?: number
        cost_total_usd?: number
        models?: string[]
        ips?: string[]
        /** RFC 3339 UTC */
        expires_at?: string
        expires_after_first_use_days?: number
      }
      /** the key's own limits */
      windows: {
        concurrency?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        rpm?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        tpm?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_5h_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_daily_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_weekly_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_monthly_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_total_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
      }
      /** shown once */
      key: string
    }
  }
  /** Rename a key or change its limits (partial: a null limit field removes that limit, "limits": null removes them all; a tenant never beyond its account's limits: 400) */
  'PUT /admin/api/keys': {
    params: never
    query: {
      id: string
    }
    body: {
      name?: string | null
      limits?: {
        rpm?: number | null
        tpm?: number | null
        concurrency?: number | null
        cost_5h_usd?: number | null
        cost_daily_usd?: number | null
        cost_weekly_usd?: number | null
        cost_monthly_usd?: number | null
        cost_total_usd?: number | null
        models?: string[] | null
        ips?: string[] | null
        expires_at?: string | null
        expires_after_first_use_days?: number | null
      } | null
    }
    answer: {
      id: string
      account_id: string
      name: string | null
      prefix: string
      /** RFC 3339 UTC */
      created_at: string
      revoked_at: string | null
      last_used_at: string | null
      /** starts expires_after_first_use_days */
      first_used_at: string | null
      limits: {
        rpm?: number
        tpm?: number
        concurrency?: number
        cost_5h_usd?: number
        cost_daily_usd?: number
        cost_weekly_usd?: number
        cost_monthly_usd?: number
        cost_total_usd?: number
        models?: string[]
        ips?: string[]
        /** RFC 3339 UTC */
        expires_at?: string
        expires_after_first_use_days?: number
      }
      /** the key's own limits */
      windows: {
        concurrency?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        rpm?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        tpm?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_5h_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_daily_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_weekly_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_monthly_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_total_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
      }
    }
  }
  /** Revoke a key */
  'POST /admin/api/keys/revoke': {
    params: never
    query: never
    body: {
      id: string
    }
    answer: unknown
  }
  /** Revoke a key and issue its successor */
  'POST /admin/api/keys/rotate': {
    params: never
    query: never
    body: {
      id: string
    }
    answer: {
      id: string
      account_id: string
      name: string | null
      prefix: string
      /** RFC 3339 UTC */
      created_at: string
      revoked_at: string | null
      last_used_at: string | null
      /** starts expires_after_first_use_days */
      first_used_at: string | null
      limits: {
        rpm?: number
        tpm?: number
        concurrency?: number
        cost_5h_usd?: number
        cost_daily_usd?: number
        cost_weekly_usd?: number
        cost_monthly_usd?: number
        cost_total_usd?: number
        models?: string[]
        ips?: string[]
        /** RFC 3339 UTC */
        expires_at?: string
        expires_after_first_use_days?: number
      }
      /** the key's own limits */
      windows: {
        concurrency?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        rpm?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        tpm?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_5h_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_daily_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_weekly_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_monthly_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_total_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
      }
      /** shown once */
      key: string
      /** id of the key this one replaces (now revoked) */
      replaces: string
    }
  }
  /** The logged-in account */
  'GET /admin/api/me': {
    params: never
    query: never
    body: never
    answer: {
      id: string
      name: string
      is_admin: boolean
    }
  }
  /** Change one's own password */
  'POST /admin/api/me/password': {
    params: never
    query: never
    body: {
      current: string
      new: string
    }
    answer: unknown
  }
  /** Delete a node (403 for a tenant on a managed node) */
  'DELETE /admin/api/nodes': {
    params: never
    query: {
      id: string
    }
    body: never
    answer: unknown
  }
  /** Nodes of the caller's account (admins: account_id, or * for all) */
  'GET /admin/api/nodes': {
    params: never
    query: {
      account_id?: string
    }
    body: never
    answer: {
      nodes: {
        id: string
        account_id: string
        name: string
        base_url: string
        /** lower = higher priority */
        weight: number
        status: 'healthy' | 'cooling' | 'failed' | 'disabled'
        failed: boolean
        disabled: boolean
        active: boolean
        has_api_key: boolean
        /** provisioned by an admin or from env: its owner may rename, reweight, enable, disable and activate it, nothing else */
        managed: boolean
        /** last 4 characters at most */
        api_key_hint: string | null
        health_check_method: 'api' | 'count_tokens' | 'head' | 'cli'
        health_check_model: string | null
        auth_header: 'x-api-key' | 'bearer' | 'both'
        /** name: masked value (values are secrets; last 4 characters at most) */
        extra_headers: Record<string, string>
        /** null: every model */
        models: string[] | null
        model_map: Record<string, string> | null
        error_rules: {
          status?: number | '4xx' | '5xx'
          contains?: string
          action: 'failover' | 'return' | 'cooldown' | 'fail'
          cooldown_sec?: number
        }[]
        no_failover: boolean
        strip_tool_fields: boolean
        /** null: the account's */
        sticky_ttl_sec: number | null
        last_error: string | null
        fail_count: number
        cooling_until: string | null
        last_failure_at: string | null
        last_success_at: string | null
        last_probe_at: string | null
        requests: number
        errors: number
        input_tokens: number
        output_tokens: number
        /** RFC 3339 UTC */
        created_at: string
        /** RFC 3339 UTC */
        updated_at: string
      }[]
    }
  }
  /** Add a node (to account_id, default the caller). An admin's node in another account is managed. A tenant account holds at most 50 nodes (409 beyond) */
  'POST /admin/api/nodes': {
    params: never
    query: {
      account_id?: string
    }
    body: {
      name?: string
      base_url: string
      api_key?: string | null
      weight?: number
      health_check_method?: 'api' | 'count_tokens' | 'head' | 'cli'
      health_check_model?: string | null
      disabled?: boolean
      /** default x-api-key */
      auth_header?: 'x-api-key' | 'bearer' | 'both'
      /** sent with every call to the node (at most 20; not a header the proxy owns). null or {} clears. On update the map replaces the stored one, and a value of "" keeps the stored value of that name */
      extra_headers?: Record<string, string> | null
      /** requested model ids the node serves (trailing * allowed); null: every model */
      models?: string[] | null
      /** {requested: upstream} (trailing * on the left allowed); null: none */
      model_map?: Record<string, string> | null
      /** matched in order (first match wins) before the built-in classification */
      error_rules?: {
        /** absent: any status */
        status?: number | '4xx' | '5xx'
        /** case-insensitive substring of the first 4 KiB of the error body */
        contains?: string
        action: 'failover' | 'return' | 'cooldown' | 'fail'
        /** only with action cooldown; default 60 */
        cooldown_sec?: number
      }[]
      no_failover?: boolean
      strip_tool_fields?: boolean
      /** null: the account's */
      sticky_ttl_sec?: number | null
    }
    answer: {
      id: string
    }
  }
  /** Update a node (partial; api_key null clears it). A tenant changing base_url must send api_key too (400). extra_headers replaces the whole map; a value of "" keeps the saved value of that name. On a managed node a tenant may change only name, weight and disabled (403 for base_url, api_key, health-check and policy fields; sending a stored value is not a change) */
  'PUT /admin/api/nodes': {
    params: never
    query: {
      id: string
    }
    body: {
      name?: string
      base_url?: string
      api_key?: string | null
      weight?: number
      health_check_method?: 'api' | 'count_tokens' | 'head' | 'cli'
      health_check_model?: string | null
      disabled?: boolean
      /** default x-api-key */
      auth_header?: 'x-api-key' | 'bearer' | 'both'
      /** sent with every call to the node (at most 20; not a header the proxy owns). null or {} clears. On update the map replaces the stored one, and a value of "" keeps the stored value of that name */
      extra_headers?: Record<string, string> | null
      /** requested model ids the node serves (trailing * allowed); null: every model */
      models?: string[] | null
      /** {requested: upstream} (trailing * on the left allowed); null: none */
      model_map?: Record<string, string> | null
      /** matched in order (first match wins) before the built-in classification */
      error_rules?: {
        /** absent: any status */
        status?: number | '4xx' | '5xx'
        /** case-insensitive substring of the first 4 KiB of the error body */
        contains?: string
        action: 'failover' | 'return' | 'cooldown' | 'fail'
        /** only with action cooldown; default 60 */
        cooldown_sec?: number
      }[]
      no_failover?: boolean
      strip_tool_fields?: boolean
      /** null: the account's */
      sticky_ttl_sec?: number | null
    }
    answer: unknown
  }
  /** Prefer this node in its account until it fails or is disabled */
  'POST /admin/api/nodes/activate': {
    params: never
    query: never
    body: {
      id: string
    }
    answer: unknown
  }
  /** Disable a node */
  'POST /admin/api/nodes/disable': {
    params: never
    query: never
    body: {
      id: string
    }
    answer: unknown
  }
  /** Enable a node */
  'POST /admin/api/nodes/enable': {
    params: never
    query: never
    body: {
      id: string
    }
    answer: unknown
  }
  /** Drop every sticky session binding to a node (on every replica) */
  'POST /admin/api/nodes/unstick': {
    params: never
    query: never
    body: {
      id: string
    }
    answer: {
      /** the node id */
      unstuck: string
      /** bindings this replica dropped; others drop theirs on reload */
      dropped: number
    }
  }
  /** The caller's own channels, with the event types and channel kinds on offer */
  'GET /admin/api/notifications': {
    params: never
    query: never
    body: never
    answer: {
      channels: {
        id: string
        account_id: string
        name: string
        kind: string
        enabled: boolean
        /** scheme and host only: webhook URLs carry their secret */
        url: string
        has_secret: boolean
        events: string[]
        /** RFC 3339 UTC */
        created_at: string
        /** RFC 3339 UTC */
        updated_at: string
      }[]
      event_types: string[]
      channel_kinds: string[]
    }
  }
  /** Delete a channel with its subscriptions */
  'DELETE /admin/api/notifications/channels': {
    params: never
    query: {
      id: string
    }
    body: never
    answer: unknown
  }
  /** Notification channels of the caller's account (admins: account_id, or * for all) */
  'GET /admin/api/notifications/channels': {
    params: never
    query: {
      account_id?: string
      channel_id?: string
    }
    body: never
    answer: {
      channels: {
        id: string
        account_id: string
        name: string
        kind: string
        enabled: boolean
        /** scheme and host only: webhook URLs carry their secret */
        url: string
        has_secret: boolean
        events: string[]
        /** RFC 3339 UTC */
        created_at: string
        /** RFC 3339 UTC */
        updated_at: string
      }[]
    }
  }
  /** Add a channel (to account_id, default the caller; a tenant account holds at most 20: 409 beyond) */
  'POST /admin/api/notifications/channels': {
    params: never
    query: {
      account_id?: string
    }
    body: {
      name: string
      kind: 'webhook' | 'wechat_work' | 'dingtalk' | 'slack'
      url: string
      secret?: string | null
      enabled?: boolean
      events?: (
        | '*'
        | 'node.failed'
        | 'node.recovered'
        | 'node.switched'
        | 'node.disabled'
        | 'node.auth_failed'
        | 'tunnel.started'
        | 'tunnel.stopped'
        | 'tunnel.error'
      )[]
      account_id?: string
    }
    answer: {
      id: string
      account_id: string
      name: string
      kind: string
      enabled: boolean
      /** scheme and host only: webhook URLs carry their secret */
      url: string
      has_secret: boolean
      events: string[]
      /** RFC 3339 UTC */
      created_at: string
      /** RFC 3339 UTC */
      updated_at: string
    }
  }
  /** Update a channel (partial; secret null clears it) */
  'PUT /admin/api/notifications/channels': {
    params: never
    query: {
      id: string
    }
    body: {
      name?: string
      url?: string
      secret?: string | null
      enabled?: boolean
      events?: (
        | '*'
        | 'node.failed'
        | 'node.recovered'
        | 'node.switched'
        | 'node.disabled'
        | 'node.auth_failed'
        | 'tunnel.started'
        | 'tunnel.stopped'
        | 'tunnel.error'
      )[]
    }
    answer: {
      id: string
      account_id: string
      name: string
      kind: string
      enabled: boolean
      /** scheme and host only: webhook URLs carry their secret */
      url: string
      has_secret: boolean
      events: string[]
      /** RFC 3339 UTC */
      created_at: string
      /** RFC 3339 UTC */
      updated_at: string
    }
  }
  /** Delivery log (the last 200 of the account, or of one channel) */
  'GET /admin/api/notifications/deliveries': {
    params: never
    query: {
      account_id?: string
      channel_id?: string
    }
    body: never
    answer: {
      deliveries: {
        id: string
        /** RFC 3339 UTC */
        at: string
        channel_id: string | null
        event_type?: string
        ok?: boolean
        attempts?: number
        status?: number | null
        error?: string | null
      }[]
    }
  }
  /** Event types a channel may subscribe to */
  'GET /admin/api/notifications/event-types': {
    params: never
    query: never
    body: never
    answer: {
      event_types: string[]
    }
  }
  /** Delete a subscription */
  'DELETE /admin/api/notifications/subscriptions': {
    params: never
    query: {
      id: string
    }
    body: never
    answer: unknown
  }
  /** Subscriptions of a channel, or of the caller's account */
  'GET /admin/api/notifications/subscriptions': {
    params: never
    query: {
      account_id?: string
      channel_id?: string
    }
    body: never
    answer: {
      subscriptions: {
        id: string
        channel_id: string
        event_type: string
        enabled: boolean
        /** RFC 3339 UTC */
        created_at: string
      }[]
    }
  }
  /** Subscribe a channel to an event type (or enable or disable a subscription) */
  'POST /admin/api/notifications/subscriptions': {
    params: never
    query: never
    body: {
      channel_id: string
      event_type:
        | '*'
        | 'node.failed'
        | 'node.recovered'
        | 'node.switched'
        | 'node.disabled'
        | 'node.auth_failed'
        | 'tunnel.started'
        | 'tunnel.stopped'
        | 'tunnel.error'
      enabled?: boolean
    }
    answer: {
      id: string
      channel_id: string
      event_type: string
      enabled: boolean
    }
  }
  /** Send a test message to a channel now (502 when the receiver refuses it) */
  'POST /admin/api/notifications/test': {
    params: never
    query: never
    body: {
      id: string
    }
    answer: unknown
  }
  /** This document (OpenAPI 3.1) */
  'GET /admin/api/openapi.json': {
    params: never
    query: never
    body: never
    answer: unknown
  }
  /** Delete the price of a model */
  'DELETE /admin/api/pricing': {
    params: never
    query: {
      model: string
    }
    body: never
    answer: unknown
  }
  /** Model prices (USD per MTok) */
  'GET /admin/api/pricing': {
    params: never
    query: never
    body: never
    answer: {
      pricing: {
        model: string
        input_per_mtok: number
        output_per_mtok: number
        cache_write_5m_per_mtok: number
        cache_write_1h_per_mtok: number
        cache_read_per_mtok: number
        /** RFC 3339 UTC */
        updated_at: string
      }[]
    }
  }
  /** Create or update the price of a model */
  'PUT /admin/api/pricing': {
    params: never
    query: never
    body: {
      model: string
      input_per_mtok: number
      output_per_mtok: number
      cache_write_5m_per_mtok: number
      cache_write_1h_per_mtok: number
      cache_read_per_mtok: number
    }
    answer: {
      model: string
      input_per_mtok: number
      output_per_mtok: number
      cache_write_5m_per_mtok: number
      cache_write_1h_per_mtok: number
      cache_read_per_mtok: number
      /** RFC 3339 UTC */
      updated_at: string
    }
  }
  /** Model ids seen without a table price, most requests first (docs/contract.md §15) */
  'GET /admin/api/pricing/unpriced': {
    params: never
    query: never
    body: never
    answer: {
      models: {
        model: string
        /** usage rows of this id not priced by the table */
        requests: number
        /** RFC 3339 UTC */
        last_seen_at: string
        /** how the id is priced now (docs/contract.md §15) */
        priced_by: 'family' | 'default' | 'none'
      }[]
    }
  }
  /** Revoke a share link */
  'DELETE /admin/api/shares': {
    params: never
    query: {
      id: string
    }
    body: never
    answer: unknown
  }
  /** Share links (no tokens) */
  'GET /admin/api/shares': {
    params: never
    query: {
      account_id?: string
      include_revoked?: 'true' | 'false'
    }
    body: never
    answer: {
      shares: {
        id: string
        account_id: string
        prefix: string
        created_by: string | null
        /** RFC 3339 UTC */
        created_at: string
        /** null: permanent */
        expires_at: string | null
        revoked_at: string | null
      }[]
    }
  }
  /** Create a monitor share link (token shown once; a tenant account holds at most 50 live links: 409 beyond) */
  'POST /admin/api/shares': {
    params: never
    query: never
    body: {
      account_id?: string
      expires_in?: '1h' | '24h' | '168h' | 'permanent'
    }
    answer: {
      id: string
      account_id: string
      prefix: string
      created_by: string | null
      /** RFC 3339 UTC */
      created_at: string
      /** null: permanent */
      expires_at: string | null
      revoked_at: string | null
      /** shown once */
      token: string
      share_url: string
    }
  }
  /** Status and public URL of the Cloudflare Tunnel */
  'GET /admin/api/tunnel': {
    params: never
    query: never
    body: never
    answer: {
      status: 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping' | 'error'
      enabled: boolean
      subdomain: string | null
      zone: string | null
      has_api_token: boolean
      public_url: string | null
      tunnel_id: string | null
      pid: number | null
      restarts: number
      last_error: string | null
      updated_at: string
    }
  }
  /** Save (a patch of) the tunnel settings; a running tunnel keeps running */
  'PUT /admin/api/tunnel': {
    params: never
    query: never
    body: {
      subdomain?: string | null
      zone?: string | null
      api_token?: string | null
    }
    answer: {
      status: 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping' | 'error'
      enabled: boolean
      subdomain: string | null
      zone: string | null
      has_api_token: boolean
      public_url: string | null
      tunnel_id: string | null
      pid: number | null
      restarts: number
      last_error: string | null
      updated_at: string
    }
  }
  /** Set up and start the tunnel (502 with last_error when the setup fails) */
  'POST /admin/api/tunnel/start': {
    params: never
    query: never
    body: never
    answer: {
      status: 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping' | 'error'
      enabled: boolean
      subdomain: string | null
      zone: string | null
      has_api_token: boolean
      public_url: string | null
      tunnel_id: string | null
      pid: number | null
      restarts: number
      last_error: string | null
      updated_at: string
    }
  }
  /** Stop the tunnel and remove its DNS record */
  'POST /admin/api/tunnel/stop': {
    params: never
    query: never
    body: never
    answer: {
      status: 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping' | 'error'
      enabled: boolean
      subdomain: string | null
      zone: string | null
      has_api_token: boolean
      public_url: string | null
      tunnel_id: string | null
      pid: number | null
      restarts: number
      last_error: string | null
      updated_at: string
    }
  }
  /** One entry per request with its attempts, newest first */
  'GET /admin/api/usage/logs': {
    params: never
    query: {
      account_id?: string
      node_id?: string
      from?: string
      to?: string
      model?: string
      key_id?: string
      session_id?: string
      request_id?: string
      /** 2xx, 4xx, 5xx, error (not 2xx), or one status code */
      status?: string
      /** true: only requests a limit refused */
      refused?: 'true'
      limit?: number
      offset?: number
    }
    body: never
    answer: {
      logs: {
        request_id: string
        account_id: string
        key_id: string
        /** null: the key was deleted */
        key_name: string | null
        /** the serving (or last tried) node; null: none reached */
        node_id: string | null
        node_name: string | null
        /** the model the client asked for */
        model: string
        /** sent upstream when the node's model_map rewrote it; null: not rewritten */
        upstream_model: string | null
        /** the request asked for a stream; null: not recorded */
        stream: boolean | null
        /** how cost_usd was priced (docs/contract.md §15); null: not recorded */
        priced_by: 'table' | 'family' | 'default' | 'none' | null
        /** the status the client got; 0: none was sent */
        status: number
        success: boolean
        /** the attempts in order (docs/contract.md §12) */
        attempts: {
          node_id: string
          /** the node’s name when it was tried */
          node_name: string
          picked_by: 'activated' | 'sticky' | 'tier' | 'last_resort'
          /** RFC 3339 UTC */
          started_at: string
          /** the upstream’s status; null: none arrived */
          status: number | null
          outcome:
            | 'ok'
            | 'client_error'
            | 'auth'
            | 'rate_limited'
            | 'overloaded'
            | 'server_error'
            | 'network'
            | 'timeout'
            | 'fake_200'
            | 'midstream'
          error_type: string | null
          /** redacted, at most 200 characters */
          error_message: string | null
          ttfb_ms: number | null
          duration_ms: number
        }[]
        attempt_count: number
        session_id: string | null
        client_ip: string | null
        user_agent: string | null
        /** the limit that refused it (`key.rpm`), else null */
        refused: string | null
        /** the refusal message the client got */
        refusal: string | null
        input_tokens: number
        output_tokens: number
        cache_creation_input_tokens: number
        cache_read_input_tokens: number
        cost_usd: number
        ttfb_ms: number | null
        duration_ms: number
        bytes: number
        /** the stream ended early */
        partial: boolean
        /** RFC 3339 UTC */
        at: string
      }[]
      limit: number
      offset: number
      /** more entries match beyond this page */
      has_more: boolean
    }
  }
  /** One request’s entry with its attempts; another tenant’s request is 404 */
  'GET /admin/api/usage/logs/{request_id}': {
    params: {
      request_id: string
    }
    query: never
    body: never
    answer: {
      request_id: string
      account_id: string
      key_id: string
      /** null: the key was deleted */
      key_name: string | null
      /** the serving (or last tried) node; null: none reached */
      node_id: string | null
      node_name: string | null
      /** the model the client asked for */
      model: string
      /** sent upstream when the node's model_map rewrote it; null: not rewritten */
      upstream_model: string | null
      /** the request asked for a stream; null: not recorded */
      stream: boolean | null
      /** how cost_usd was priced (docs/contract.md §15); null: not recorded */
      priced_by: 'table' | 'family' | 'default' | 'none' | null
      /** the status the client got; 0: none was sent */
      status: number
      success: boolean
      /** the attempts in order (docs/contract.md §12) */
      attempts: {
        node_id: string
        /** the node’s name when it was tried */
        node_name: string
        picked_by: 'activated' | 'sticky' | 'tier' | 'last_resort'
        /** RFC 3339 UTC */
        started_at: string
        /** the upstream’s status; null: none arrived */
        status: number | null
        outcome:
          | 'ok'
          | 'client_error'
          | 'auth'
          | 'rate_limited'
          | 'overloaded'
          | 'server_error'
          | 'network'
          | 'timeout'
          | 'fake_200'
          | 'midstream'
        error_type: string | null
        /** redacted, at most 200 characters */
        error_message: string | null
        ttfb_ms: number | null
        duration_ms: number
      }[]
      attempt_count: number
      session_id: string | null
      client_ip: string | null
      user_agent: string | null
      /** the limit that refused it (`key.rpm`), else null */
      refused: string | null
      /** the refusal message the client got */
      refusal: string | null
      input_tokens: number
      output_tokens: number
      cache_creation_input_tokens: number
      cache_read_input_tokens: number
      cost_usd: number
      ttfb_ms: number | null
      duration_ms: number
      bytes: number
      /** the stream ended early */
      partial: boolean
      /** RFC 3339 UTC */
      at: string
    }
  }
  /** Usage time series (minute, hour or day buckets) */
  'GET /admin/api/usage/series': {
    params: never
    query: {
      account_id?: string
      node_id?: string
      from?: string
      to?: string
      bucket?: 'minute' | 'hour' | 'day'
    }
    body: never
    answer: {
      bucket: 'minute' | 'hour' | 'day'
      /** RFC 3339 UTC */
      from: string
      /** RFC 3339 UTC */
      to: string
      points: {
        requests: number
        errors: number
        input_tokens: number
        output_tokens: number
        cache_creation_input_tokens: number
        cache_creation_5m_input_tokens: number
        cache_creation_1h_input_tokens: number
        cache_read_input_tokens: number
        cost_usd: number
        bytes: number
        avg_duration_ms: number | null
        avg_ttfb_ms: number | null
        /** RFC 3339 UTC */
        at: string
      }[]
    }
  }
  /** Usage totals, or groups by model, node or key */
  'GET /admin/api/usage/summary': {
    params: never
    query: {
      account_id?: string
      node_id?: string
      from?: string
      to?: string
      group_by?: 'model' | 'node' | 'key'
    }
    body: never
    answer:
      | {
          requests: number
          errors: number
          input_tokens: number
          output_tokens: number
          cache_creation_input_tokens: number
          cache_creation_5m_input_tokens: number
          cache_creation_1h_input_tokens: number
          cache_read_input_tokens: number
          cost_usd: number
          bytes: number
          avg_duration_ms: number | null
          avg_ttfb_ms: number | null
        }
      | {
          groups: {
            requests: number
            errors: number
            input_tokens: number
            output_tokens: number
            cache_creation_input_tokens: number
            cache_creation_5m_input_tokens: number
            cache_creation_1h_input_tokens: number
            cache_read_input_tokens: number
            cost_usd: number
            bytes: number
            avg_duration_ms: number | null
            avg_ttfb_ms: number | null
            key: string
            name: string | null
          }[]
        }
  }
  /** Download a generated settings.json (public, unguessable id; works once, 10 minutes) */
  'GET /api/claude-config/download/{id}': {
    params: {
      id: string
    }
    query: never
    body: never
    answer: unknown
  }
  /** Public read-only monitor of a shared account */
  'GET /api/monitor/share/{token}': {
    params: {
      token: string
    }
    query: never
    body: never
    answer: {
      account_name: string
      /** RFC 3339 UTC */
      updated_at: string
      expires_at: string | null
      nodes: {
        id: string
        name: string
        weight: number
        status: 'healthy' | 'cooling' | 'failed' | 'disabled'
        active: boolean
        requests: number
        errors: number
        last_success_at: string | null
      }[]
    }
  }
  /** A proxy key's own limits, windows, account windows and usage (the key as x-api-key or Bearer; unknown key 401; repeated failures from one address 429) */
  'GET /key/status': {
    params: never
    query: never
    body: never
    answer: {
      key: {
        name: string | null
        prefix: string
        /** the account's name */
        account: string
        /** when the key stops working (the earliest of its own and its account's expiry); null: never */
        expires_at: string | null
      }
      /** the key's own limits */
      limits: {
        rpm?: number
        tpm?: number
        concurrency?: number
        cost_5h_usd?: number
        cost_daily_usd?: number
        cost_weekly_usd?: number
        cost_monthly_usd?: number
        cost_total_usd?: number
        models?: string[]
        ips?: string[]
        /** RFC 3339 UTC */
        expires_at?: string
        expires_after_first_use_days?: number
      }
      /** the key's own windows */
      windows: {
        concurrency?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        rpm?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        tpm?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_5h_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_daily_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_weekly_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_monthly_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_total_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
      }
      /** the account's windows (binding all its keys together) */
      account_windows: {
        concurrency?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        rpm?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        tpm?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_5h_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_daily_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_weekly_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_monthly_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
        cost_total_usd?: {
          used: number
          limit: number
          /** RFC 3339 UTC; absent for slots and all-time spend */
          resets_at?: string
        }
      }
      usage: {
        /** since 00:00 UTC */
        today: {
          requests: number
          errors: number
          input_tokens: number
          output_tokens: number
          cache_creation_input_tokens: number
          cache_creation_5m_input_tokens: number
          cache_creation_1h_input_tokens: number
          cache_read_input_tokens: number
          cost_usd: number
          bytes: number
          avg_duration_ms: number | null
          avg_ttfb_ms: number | null
        }
        /** since the 1st, 00:00 UTC */
        month: {
          requests: number
          errors: number
          input_tokens: number
          output_tokens: number
          cache_creation_input_tokens: number
          cache_creation_5m_input_tokens: number
          cache_creation_1h_input_tokens: number
          cache_read_input_tokens: number
          cost_usd: number
          bytes: number
          avg_duration_ms: number | null
          avg_ttfb_ms: number | null
        }
        total: {
          requests: number
          errors: number
          input_tokens: number
          output_tokens: number
          cache_creation_input_tokens: number
          cache_creation_5m_input_tokens: number
          cache_creation_1h_input_tokens: number
          cache_read_input_tokens: number
          cost_usd: number
          bytes: number
          avg_duration_ms: number | null
          avg_ttfb_ms: number | null
        }
      }
    }
  }
  /** Log in (form or JSON); sets session_token */
  'POST /login': {
    params: never
    query: never
    body: {
      username: string
      password: string
    }
    answer: {
      id: string
      name: string
      is_admin: boolean
    }
  }
  /** Log out; clears session_token */
  'POST /logout': {
    params: never
    query: never
    body: never
    answer: unknown
  }
}
