import { render } from 'preact'
import { App } from './app'
import './prefs'
import { createServices } from './services'
import './styles/base.css'
import './styles/components.css'
import './styles/nodes-forms.css'
import './styles/shell.css'

const services = createServices()
// The public shared monitor needs no session; skip the /me round trip there.
if (location.pathname.startsWith('/admin/monitor/share/')) services.session.loading.value = false
else void services.session.refresh()
const root = document.getElementById('app')
if (root) render(<App services={services} />, root)
