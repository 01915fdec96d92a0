/** `npm run enrol -- --name … --email …`: enrols one participant in the locally running system. */
import { parseArgs } from 'node:util';
import { LOCAL_PORTS } from './ports.js';

const { values } = parseArgs({
  options: {
    cohort: { type: 'string', default: 'demo-north-primary' },
    name: { type: 'string' },
    email: { type: 'string' },
    school: { type: 'string' },
    'leader-name': { type: 'string' },
    'leader-email': { type: 'string' },
    'leader-role': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

const usage = `Usage: npm run enrol -- --name NAME --email EMAIL --school SCHOOL \\
  --leader-name NAME --leader-email EMAIL [--leader-role ROLE] [--cohort COHORT_ID]`;

if (values.help) {
  console.log(usage);
  process.exit(0);
}

const command = {
  command: 'enrol-participant',
  cohortId: values.cohort,
  participant: { name: values.name, email: values.email },
  school: values.school,
  seniorLeader: { name: values['leader-name'], email: values['leader-email'], role: values['leader-role'] },
};

const response = await fetch(`http://localhost:${LOCAL_PORTS.http}/admin/commands`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(command),
}).catch(() => {
  console.error('The local system is not running: start it with `npm start` in another terminal.');
  process.exit(1);
});
const body = await response.text();
console.log(body);
if (!response.ok) {
  console.error(usage);
  process.exit(1);
}
