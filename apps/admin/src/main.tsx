import { render } from 'preact'
import { App } from './app'
import './prefs'
import { isPublicPath } from './routes'
import { createServices } from './services'
import './styles/base.css'
import './styles/components.css'
import './styles/limits.css'
import './styles/nodes-forms.css'
import './styles/node-policies.css'
import './styles/shell.css'

const services = createServices()
// The public shared monitor and the key page need no session; skip the /me round trip there.
if (isPublicPath(location.pathname)) services.session.loading.value = false
else void services.session.refresh()
const root = document.getElementById('app')
if (root) render(<App services={services} />, root)
