/**
 * `npm start`: the whole system on this machine, no AWS account. DynamoDB data is kept in
 * .local/dynamodb, with the clock, the mailbox and the executions in .local/dynamodb/runtime (a restart
 * revives every execution still running); emails land in the local mailbox; forms are served on localhost.
 */
import { resolve } from 'node:path';
import { pdLeadSchedule } from './demo-schedule.js';
import { LOCAL_PORTS } from './ports.js';
import { startLocalSystem } from './system.js';

const demoCohort = {
  cohortId: 'demo-north-primary',
  programmeId: 'ncetm-pd-lead',
  pathway: 'primary',
  mathsHub: 'Demo Maths Hub',
  name: 'Demo cohort: primary PD Leads',
  cohortLead: { name: 'Casey Lead', email: 'cohort-lead@hub.localhost' },
};

const system = await startLocalSystem({
  dataDir: resolve(import.meta.dirname, '../../.local/dynamodb'),
  uploadsDir: resolve(import.meta.dirname, '../../.local/s3'),
  ports: LOCAL_PORTS,
});
// Dated from the day the demo cohort is first created, so its days are ahead of the clock.
const schedule = pdLeadSchedule(system.clock.now());
const existing = await system.dependencies.store.cohorts.get(demoCohort.cohortId);
if (!existing)
  await system.admin({
    command: 'create-cohort',
    cohort: { ...demoCohort, startsOn: schedule['day-1'].starts.slice(0, 10), schedule },
  });

console.log(`
PD accreditation is running locally.

  Mailbox (every email sent):  ${system.urls.mailbox}
  Forms (emailed links):       ${system.urls.forms}r/<secret>
  S3 (files attached to work): ${system.urls.s3}
  Admin commands:              npx pd-admin --help (or JSON POST to ${system.urls.app}/admin/commands)
  Move time forward:           npx pd-admin clock advance --days 5 --hours 3

Enrol someone into the demo cohort "${demoCohort.cohortId}":
  npx pd-admin enrol-participant --cohort-id ${demoCohort.cohortId} --participant-name "Asha Patel" \\
    --participant-email asha@school.localhost --school "Hillside Primary" --senior-leader-name "Sam Okafor" \\
    --senior-leader-email head@school.localhost --senior-leader-role "Head teacher"
Or a whole cohort from a spreadsheet: npx pd-admin enrol --cohort ${demoCohort.cohortId} --csv people.csv

Executions' progress is logged below. Ctrl+C stops everything; the next npm start carries on.
`);

const seen = new Map<string, number>();
setInterval(() => {
  for (const execution of system.stepFunctions.listExecutions()) {
    const count = seen.get(execution.executionArn) ?? 0;
    const newStates = execution.statesEntered.slice(count);
    if (newStates.length === 0) continue;
    seen.set(execution.executionArn, execution.statesEntered.length);
    console.log(`${execution.name}: ${newStates.join(' → ')} (${execution.status})`);
  }
}, 250).unref();

const shutdown = async () => {
  await system.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
await new Promise(() => undefined);
