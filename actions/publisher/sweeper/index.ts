/**
 * publisher/sweeper (non-web; alarm rule `everyMinuteSweep`, every minute): updates the
 * delivery-log index (its single writer), retries due deliveries, dead-letters exhausted ones, and on maintenance runs (every
 * SWEEP_MAINTENANCE_EVERY_MINUTES, or when invoked with `{maintenance: true}`) refreshes
 * subscription TTLs and auto-disables failing subscriptions.
 */
import { randomUUID } from 'node:crypto'
import { defineAction } from '../../lib/action-entry'
import { toActionErrorResponse } from '../../lib/errors'
import { parsers } from '../../lib/config'
import { answerBy, deliveryDeps, deliveryRuntime } from '../../lib/delivery/action-deps'
import { loadDeliveryConfig } from '../../lib/delivery/delivery-config'
import { sweep } from '../../lib/delivery/sweep'

/** Runtime entry point (tests replace dependencies with `main.withDeps`). */
export const main = defineAction({
  name: 'publisher/sweeper',
  config: loadDeliveryConfig,
  deps: deliveryDeps,
  handler: async ({ params, config, clock, logger, deps, deadline }) => {
    const rt = deliveryRuntime(config, { clock, logger }, deps)
    const now = rt.clock.now()
    const forced = params.maintenance === undefined ? false : parsers.bool(params.maintenance)
    const minute = Math.floor(now / 60_000)
    const maintenance = forced || minute % rt.config.maintenanceEveryMinutes === 0
    // The index pass is the run's one scan of the log (ceil(keys/1000) list calls); at large sizes
    // LOG_INDEX_EVERY_MINUTES trades freshness for list calls and bandwidth. `{index: true}` forces it.
    const index =
      (params.index === undefined ? false : parsers.bool(params.index)) ||
      minute % rt.config.logIndexEveryMinutes === 0
    const summary = await sweep(
      {
        ...rt,
        timeoutMs: rt.config.deliveryTimeoutMs,
        concurrency: rt.config.concurrency,
        batchSize: rt.config.sweepBatchSize,
        deadlineMs: answerBy(now, rt.config.sweepTimeBudgetMs, deadline.at),
        leaseMs: rt.config.deliveryTimeoutMs + 60_000,
        failureDisableMs: rt.config.failureDisableDays * 86_400_000,
        refreshAfterMs: 30 * 86_400_000,
        runId: process.env.__OW_ACTIVATION_ID || randomUUID(),
      },
      { maintenance, index },
    )
    return {
      statusCode: 200,
      body: {
        success: true,
        message: summary.skipped
          ? 'skipped: another sweeper run holds the lease'
          : `${summary.attempted} retried of ${summary.due} due; ${summary.index?.indexed ?? 0} indexed`,
        ...summary,
      },
    }
  },
  errorResponse: toActionErrorResponse,
  failureMessage: 'sweep failed',
})
