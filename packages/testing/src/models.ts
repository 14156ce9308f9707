/** One entry of `GET /v1/models`. */
export interface FakeModel {
  type: 'model'
  id: string
  display_name: string
  created_at: string
}

/** The models the fake upstream lists, newest first. */
export const FAKE_MODELS: readonly FakeModel[] = Object.freeze([
  {
    type: 'model',
    id: 'claude-sonnet-4-5-20250929',
    display_name: 'Claude Sonnet 4.5',
    created_at: '2025-09-29T00:00:00Z',
  },
  {
    type: 'model',
    id: 'claude-opus-4-1-20250805',
    display_name: 'Claude Opus 4.1',
    created_at: '2025-08-05T00:00:00Z',
  },
  {
    type: 'model',
    id: 'claude-haiku-4-5-20251001',
    display_name: 'Claude Haiku 4.5',
    created_at: '2025-10-01T00:00:00Z',
  },
] as const)

/** The `GET /v1/models` page. */
export function modelList(): Record<string, unknown> {
  return {
    data: FAKE_MODELS,
    has_more: false,
    first_id: FAKE_MODELS[0]?.id ?? null,
    last_id: FAKE_MODELS[FAKE_MODELS.length - 1]?.id ?? null,
  }
}

/** One model by id, or `undefined`. */
export function findModel(id: string): FakeModel | undefined {
  return FAKE_MODELS.find((m) => m.id === id)
}
