export { startFakeUpstream } from './fake-upstream'
export { FAKE_EVENTS, FAKE_MODEL, FAKE_TEXT, FAKE_USAGE, splitText } from './message'
export { FAKE_MODELS, type FakeModel } from './models'
export { errorBody, errorTypeForStatus, type AnthropicErrorBody } from './errors'
export { formatSseFrame, parseSseFrames, type SseFrame } from './sse'
export type {
  FakeAccept,
  FakeBehaviour,
  FakeUpstream,
  FakeUpstreamOptions,
  FakeUsage,
  RecordedRequest,
} from './types'

/** Package version. */
export const VERSION = '0.1.0'
