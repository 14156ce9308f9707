import { useEffect } from 'preact/hooks'
import { Layout } from './components/layout'
import { Loading } from './components/ui'
import { t } from './i18n'
import { LoginPage } from './pages/login'
import { navigate, path } from './router'
import { findRoute, KEY_PATH, KeyStatusPage, SHARE_PREFIX, SharedMonitor } from './routes'
import { ServicesContext, useServices, type Services } from './services'

function Routed() {
  const { session, events, nodes, usage } = useServices()
  const me = session.me.value
  const current = path.value
  // The live stream belongs to a session: open it on login, close it on logout.
  useEffect(() => {
    if (me) {
      // Admins look at every account by default; tenants only ever have their own.
      nodes.accountId.value = me.is_admin ? '*' : ''
      usage.accountId.value = nodes.accountId.value
      events.start()
    } else events.stop()
  }, [me, events, nodes, usage])
  useEffect(() => {
    if (me && (current === '/' || current === '/login')) navigate('/admin', true)
  }, [me, current])

  if (current.startsWith(SHARE_PREFIX)) return <SharedMonitor />
  if (current.replace(/\/+$/, '') === KEY_PATH) return <KeyStatusPage />
  if (session.loading.value && !me) return <Loading />
  if (!me) return <LoginPage />
  const route = findRoute(current)
  if (!route || (route.admin && !me.is_admin)) {
    return (
      <Layout>
        <p class="state">{t('Page not found.')}</p>
      </Layout>
    )
  }
  const Page = route.page
  return (
    <Layout>
      <Page />
    </Layout>
  )
}

export function App({ services }: { services: Services }) {
  return (
    <ServicesContext.Provider value={services}>
      <Routed />
    </ServicesContext.Provider>
  )
}
