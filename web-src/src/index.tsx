/**
 * Entry point: finds the host context (local stack or Commerce Admin) and renders the app; when
 * there is none, says why instead of a blank page.
 */
import { defaultTheme, Provider } from '@adobe/react-spectrum'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import { ErrorNote } from './components/common'
import { resolveHostContext } from './host/host-context'
import './index.css'

const root = createRoot(document.getElementById('root')!)

function render(node: React.ReactNode) {
  root.render(
    <Provider theme={defaultTheme} colorScheme="light" minHeight="100vh">
      {node}
    </Provider>,
  )
}

resolveHostContext()
  .then((ctx) => render(<App ctx={ctx} />))
  .catch((err: unknown) => render(<ErrorNote error={err} title="Cannot start the Event Hub admin" />))
