import type { ComponentType } from 'preact'
import { lazyPage } from './components/lazy'
import { DashboardPage } from './pages/dashboard'

export interface Route {
  path: string
  /** English label; translated where shown. */
  label: string
  icon: string
  page: ComponentType
  admin?: boolean
}

/** Sidebar order. Every page but the dashboard is its own chunk. */
export const ROUTES: Route[] = [
  { path: '/admin', label: 'Dashboard', icon: '▦', page: DashboardPage },
  {
    path: '/admin/monitor',
    label: 'Monitor',
    icon: '◉',
    page: lazyPage(() => import('./pages/monitor')),
  },
  {
    path: '/admin/nodes',
    label: 'Nodes',
    icon: '⬡',
    page: lazyPage(() => import('./pages/nodes')),
  },
  {
    path: '/admin/usage',
    label: 'Usage',
    icon: '∑',
    page: lazyPage(() => import('./pages/usage')),
  },
  {
    path: '/admin/requests',
    label: 'Requests',
    icon: '≣',
    page: lazyPage(() => import('./pages/requests')),
  },
  {
    path: '/admin/keys',
    label: 'API keys',
    icon: '#',
    page: lazyPage(() => import('./pages/keys')),
  },
  {
    path: '/admin/accounts',
    label: 'Accounts',
    icon: '☺',
    page: lazyPage(() => import('./pages/accounts')),
    admin: true,
  },
  {
    path: '/admin/pricing',
    label: 'Pricing',
    icon: '$',
    page: lazyPage(() => import('./pages/pricing')),
  },
  {
    path: '/admin/claude-config',
    label: 'Claude Code setup',
    icon: '⌘',
    page: lazyPage(() => import('./pages/claude-config')),
  },
  {
    path: '/admin/notifications',
    label: 'Notifications',
    icon: '✉',
    page: lazyPage(() => import('./pages/notifications')),
  },
  {
    path: '/admin/tunnel',
    label: 'Tunnel',
    icon: '⇄',
    page: lazyPage(() => import('./pages/tunnel')),
    admin: true,
  },
  {
    path: '/admin/settings',
    label: 'Settings',
    icon: '⚙',
    page: lazyPage(() => import('./pages/settings')),
  },
  {
    path: '/admin/env',
    label: 'Environment',
    icon: '≡',
    page: lazyPage(() => import('./pages/env')),
    admin: true,
  },
  {
    path: '/admin/audit',
    label: 'Audit log',
    icon: '✎',
    page: lazyPage(() => import('./pages/audit')),
  },
]

export const SharedMonitor = lazyPage(() => import('./pages/shared-monitor'))
export const SHARE_PREFIX = '/admin/monitor/share/'

/** The key holder's page (docs/contract.md §10): no session, the key is typed in. */
export const KeyStatusPage = lazyPage(() => import('./pages/key-status'))
export const KEY_PATH = '/admin/key'

/** The pages that need no session: no /me round trip, no login page in front of them. */
export const isPublicPath = (path: string) =>
  path.startsWith(SHARE_PREFIX) || path.replace(/\/+$/, '') === KEY_PATH

export function findRoute(path: string): Route | undefined {
  const clean = path.replace(/\/+$/, '') || '/admin'
  return ROUTES.find((r) => r.path === clean)
}
