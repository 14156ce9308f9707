import { PasswordForm } from '../components/password-form'
import { PrefsControls } from '../components/prefs-controls'
import { RoutingSettingsForm } from '../components/routing-settings-form'
import { PageHead } from '../components/ui'
import { t } from '../i18n'

export default function SettingsPage() {
  return (
    <section class="narrow">
      <PageHead title={t('Settings')} />
      <div class="panel">
        <h2 class="panel-title">{t('Display')}</h2>
        <PrefsControls />
      </div>
      <RoutingSettingsForm />
      <PasswordForm />
    </section>
  )
}
