/**
 * The admin UI: one page per tab (Event logs, Webhooks, Overview, Debug Tracing), the tab kept in
 * the URL hash so a reload or a link opens the same page.
 */
import { Item, TabList, TabPanels, Tabs, Text } from '@adobe/react-spectrum'
import { useMemo, useState, type Key } from 'react'
import { createAdminApi } from './api/admin-api'
import type { HostContext } from './host/host-context'
import { EventLogs } from './pages/event-logs'
import { Overview } from './pages/overview'
import { Tracing } from './pages/tracing'
import { Webhooks } from './pages/webhooks'

const TABS = ['logs', 'webhooks', 'overview', 'tracing'] as const
type Tab = (typeof TABS)[number]

const initialTab = (): Tab => {
  const h = window.location.hash.replace(/^#\/?/, '') as Tab
  return TABS.includes(h) ? h : 'logs'
}

export function App({ ctx }: { ctx: HostContext }) {
  const api = useMemo(() => createAdminApi(ctx), [ctx])
  const [tab, setTab] = useState<Tab>(initialTab)
  const select = (k: Key) => {
    setTab(k as Tab)
    window.history.replaceState(null, '', `#/${String(k)}`)
  }
  return (
    <main className="ceh-main">
      <header className="ceh-header">
        <h1>Commerce Event Hub</h1>
        <Text UNSAFE_className="ceh-muted">
          {ctx.host === 'local' ? 'Local stack' : 'Commerce Admin'} · org {ctx.imsOrgId}
        </Text>
      </header>
      <Tabs aria-label="Event Hub pages" selectedKey={tab} onSelectionChange={select}>
        <TabList>
          <Item key="logs">Event logs</Item>
          <Item key="webhooks">Webhooks</Item>
          <Item key="overview">Overview</Item>
          <Item key="tracing">Debug Tracing</Item>
        </TabList>
        <TabPanels>
          <Item key="logs">
            <EventLogs api={api} />
          </Item>
          <Item key="webhooks">
            <Webhooks api={api} />
          </Item>
          <Item key="overview">
            <Overview api={api} />
          </Item>
          <Item key="tracing">
            <Tracing api={api} />
          </Item>
        </TabPanels>
      </Tabs>
    </main>
  )
}
