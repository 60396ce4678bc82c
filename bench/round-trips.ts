import { temporal as proto } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { mapLimit } from './pool';
import { round } from './stats';

const EventType = proto.api.enums.v1.EventType;
/** The marker the SDK records for a local activity's result. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * What each report costs the Temporal server, read from the histories of the workflows that took the reports: per
 * accepted Update, the workflow tasks, activity tasks (each a task to schedule, one to run, one to take the result),
 * local activities (run inside a workflow task), signals up the tree and timers. Unlike a rate, these counts hardly
 * move with the machine's load, so a change to the workflow code shows in them run after run. Counted from each
 * history's first report on: what deployment cost the workflow before it is not a report's.
 */
export async function roundTripsPerReport(client: Client, workflowIds: string[]) {
  const totals = { updates: 0, workflowTasks: 0, activityTasks: 0, localActivities: 0, signalsSent: 0, timers: 0, events: 0 };
  const histories = await mapLimit(workflowIds, 8, async (id) => (await client.workflow.getHandle(id).fetchHistory()).events ?? []);
  for (const all of histories) {
    const first = all.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    const events = first < 0 ? [] : all.slice(first);
    totals.events += events.length;
    for (const e of events) {
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) totals.updates++;
      else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) totals.workflowTasks++;
      else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) totals.activityTasks++;
      else if (e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER)
        totals.localActivities++;
      else if (e.eventType === EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED) totals.signalsSent++;
      else if (e.eventType === EventType.EVENT_TYPE_TIMER_STARTED) totals.timers++;
    }
  }
  const per = (n: number) => (totals.updates === 0 ? 0 : round(n / totals.updates, 2));
  return {
    workflows: workflowIds.length,
    ...totals,
    perReport: {
      workflowTasks: per(totals.workflowTasks),
      activityTasks: per(totals.activityTasks),
      localActivities: per(totals.localActivities),
      signalsSent: per(totals.signalsSent),
      timers: per(totals.timers),
      historyEvents: per(totals.events),
    },
  };
}
