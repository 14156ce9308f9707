import { render } from 'preact'
import { createAdminApi } from './api/client'
import { App } from './app'
import { createSessionModel } from './models/session'
import './styles.css'

const session = createSessionModel(createAdminApi())
void session.refresh()
const root = document.getElementById('app')
if (root) render(<App session={session} />, root)
