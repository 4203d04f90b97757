/**
 * The /whisk.system/alarms feeds for the manifest's triggers (interval, cron alarm, once), firing
 * the bound rules' actions while the stack runs. Schedules run on a virtual clock that advances
 * `timeScale` times faster than real time from start-up, so a test can see an every-minute
 * alarm fire in milliseconds; `timeScale` 1 is real time.
 */
import { parseCron } from './cron'
import type { ActionSpec, RuleSpec, TriggerSpec } from './manifest'

/** What the scheduler needs. */
export interface AlarmDeps {
  triggers: Map<string, TriggerSpec>
  rules: RuleSpec[]
  actions: Map<string, ActionSpec>
  timeScale: number
  /** Fires one rule: invoke `action` with the trigger payload. Must not throw. */
  fire(trigger: TriggerSpec, rule: RuleSpec, action: ActionSpec, payload: Record<string, unknown>): void
  log: (m: string) => void
  now?: () => number
}

/** A running scheduler. */
export interface Alarms {
  stop(): void
}

/** Node's setTimeout ceiling (~24.8 days); longer waits re-arm. */
const MAX_TIMER = 2 ** 31 - 1

/** Starts one timer chain per trigger that has at least one rule. */
export function startAlarms(deps: AlarmDeps): Alarms {
  const now = deps.now ?? Date.now
  const scale = deps.timeScale > 0 ? deps.timeScale : 1
  const origin = now()
  const virtualNow = (): number => origin + (now() - origin) * scale
  const realDelay = (virtualAt: number): number => Math.max(0, (virtualAt - virtualNow()) / scale)
  const timers = new Set<NodeJS.Timeout>()
  let stopped = false

  const arm = (virtualAt: number, run: () => void): void => {
    if (stopped) return
    const delay = realDelay(virtualAt)
    const t = setTimeout(
      () => {
        timers.delete(t)
        if (stopped) return
        if (delay > MAX_TIMER) arm(virtualAt, run)
        else run()
      },
      Math.min(delay, MAX_TIMER),
    )
    t.unref()
    timers.add(t)
  }

  for (const trigger of deps.triggers.values()) {
    const rules = deps.rules.filter((r) => r.trigger === trigger.name)
    if (rules.length === 0) continue
    const fireAll = (): void => {
      const at = virtualNow()
      if (trigger.startDate !== undefined && at < trigger.startDate) return
      if (trigger.stopDate !== undefined && at > trigger.stopDate) return
      for (const rule of rules) {
        const action = deps.actions.get(rule.action)
        if (action) deps.fire(trigger, rule, action, trigger.payload)
      }
    }
    if (trigger.feed === 'interval') {
      const period = trigger.minutes! * 60_000
      const first =
        trigger.startDate !== undefined && trigger.startDate > virtualNow()
          ? trigger.startDate
          : virtualNow() + period
      const tick = (at: number): void =>
        arm(at, () => {
          fireAll()
          if (trigger.stopDate === undefined || at + period <= trigger.stopDate) tick(at + period)
        })
      tick(first)
    } else if (trigger.feed === 'alarm') {
      const schedule = parseCron(trigger.cron!)
      const tick = (after: number): void => {
        const at = schedule.next(Math.max(after, trigger.startDate ?? after))
        if (at === undefined || (trigger.stopDate !== undefined && at > trigger.stopDate)) return
        arm(at, () => {
          fireAll()
          tick(at)
        })
      }
      tick(virtualNow())
    } else if (trigger.date! > virtualNow()) {
      arm(trigger.date!, fireAll)
    } else {
      deps.log(
        `alarm trigger ${trigger.name}: date ${new Date(trigger.date!).toISOString()} is in the past; it will not fire`,
      )
    }
  }
  return {
    stop() {
      stopped = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
    },
  }
}
