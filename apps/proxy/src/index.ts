export { startQcc, type RunningQcc, type StartOptions } from './server'
export { loadEnv, EnvError, type Env } from './env'
