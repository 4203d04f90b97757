/**
 * What the Commerce Admin shows for this app: the Admin UI SDK `registration` document of the
 * `commerce/backend-ui/1` extension point (Admin UI SDK 3.x, "menu" and "page" extension points).
 *
 * Based on Adobe's Admin UI SDK docs (extension-points/menu, app-registration): the registration
 * web action answers `{registration: {menuItems, page}}`; a menu item has `id` (letters, digits,
 * `/`, `:`, `_`), optional `title`, `parent`, `isSection`, `sortOrder` and `sandbox`
 * (`allow-downloads` / `allow-popups`); each application gets at most one section and one menu,
 * so the app's pages (Event Logs, Webhooks, Overview) are tabs of that one page. The iframe needs
 * `allow-downloads` for "Export to JSON".
 */

/** The extension id: the same id the page registers with `@adobe/uix-guest` (web-src/src/host/commerce-admin.ts). */
export const EXTENSION_ID = 'CommerceEventHub'

/** One menu item as the Admin UI SDK v1 documents it. */
export interface MenuItem {
  id: string
  title?: string
  parent?: string
  isSection?: boolean
  sortOrder?: number
  sandbox?: string
}

/** The registration document. */
export interface Registration {
  registration: { menuItems: MenuItem[]; page: { title: string } }
}

/** The app's registration: section "Event Hub" with one menu entry for the Event Logs / Webhooks page. */
export const REGISTRATION: Registration = {
  registration: {
    menuItems: [
      {
        id: `${EXTENSION_ID}::event_logs`,
        title: 'Event Logs & Webhooks',
        parent: `${EXTENSION_ID}::event_hub`,
        sortOrder: 1,
        sandbox: 'allow-downloads',
      },
      { id: `${EXTENSION_ID}::event_hub`, title: 'Event Hub', isSection: true, sortOrder: 100 },
    ],
    page: { title: 'Event Hub › Event Logs / Webhooks' },
  },
}
