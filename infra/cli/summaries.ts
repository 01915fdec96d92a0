import type { AdminCommand } from '../../functions/admin/admin-commands.js';

/** One line of `--help` per admin command; a command missing here still works, with a plain summary. */
export const summaries: Partial<Record<AdminCommand['command'], string>> = {
  'create-cohort':
    'Create a cohort: programme, pathway, Maths Hub, cohort lead and schedule (--schedule JSON)',
  'enrol-participant': 'Enrol one participant; their senior leader is asked to sign the commitment',
  'grant-extension': "Extend a participant's deadline for a step (a London time like 2027-03-19T17:00)",
  'change-date': "Move one of a cohort's days or deadlines; everyone under way re-plans",
  'withdraw-participant': 'Withdraw a participant: nothing more goes out to them',
  'correct-email': "Correct a participant's or senior leader's address: open asks go again to it",
  'reinstate-accreditation': 'Undo a lapse, with a new re-registration deadline',
  'reach-report': "A cohort's accredited leads' termly reports and re-registrations",
  'resume-participant': 'Start a new execution for someone whose execution stopped',
  'defer-participant': 'Move a participant to a later cohort, keeping what they completed',
  'list-cohorts': 'Every cohort',
  'list-participants': "A cohort's participants: stage, whom they wait on, next deadline",
  'show-participant': "One participant's history: stages, asks, answers, emails, executions",
  'resend-link': 'Send the current ask again, with a fresh link, to whoever is awaited',
  'edit-cohort': "Edit a cohort's days, venues, deadlines or cohort lead, after a preview of who is affected",
  'show-schedule': "A cohort's schedule, step by step",
  status: 'Whom each participant waits on, overdue first (by cohort, Maths Hub or stage)',
  'programme-report': "The programme report's figures as JSON (`pd-admin report` writes HTML and CSV)",
  'export-person': 'UK GDPR access: everything held about one person, as JSON',
  'erase-person': "UK GDPR erasure: a person's data removed or anonymised everywhere",
  'retention-run': 'Who the retention job would anonymise now (a dry run unless dryRun is false)',
  'waitlist-add': "Add someone to the back of a programme pathway's waiting list",
  'waitlist-list': "A pathway's waiting list, in the order people joined",
  'invite-from-waitlist': "Fill a cohort (with a capacity) from its pathway's waiting list",
  'schedule-interview': "Schedule (or move) an applicant's interview: a calendar invite",
  'record-application-decision': "Record the Maths Hub lead's decision on an application",
};
