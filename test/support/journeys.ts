import {
  reRegistrationYear,
  type TermlyReport,
  termlyReports,
} from '../../functions/domain/accredited-years.js';
import type { Cohort } from '../../functions/domain/cohort.js';
import type { Stage } from '../../functions/domain/participant.js';
import type { Programme, StepOf } from '../../functions/domain/programme.js';
import { addDays, DAY, londonTime, toLondonLocal } from '../../functions/domain/time.js';
import { programmeById } from '../../functions/programmes/index.js';
import type { LocalExecution } from '../../infra/local/step-functions.js';
import type { LocalSystem } from '../../infra/local/system.js';
import { reRegistrationAnswers, termlyAnswers } from './accredited-years.js';
import { sign } from './commitment.js';
import { daysFromNow, enrol, linkIn, pdLeadSchedule, type SentEmail } from './local-system.js';
import { advanceToInstant, feedbackGiven, post } from './programme.js';
import { type SeededRandom, seededRandom } from './seeded-random.js';

/**
 * Random journeys through the whole lifecycle, driven as people and the programme team drive it: every
 * answer through the link in an email read from the local mailbox, every intervention an admin command.
 * Each participant's choices are drawn from the seed before anything runs, so the scenario replays from
 * its seed whatever order the emails arrive in. Time moves one calendar event at a time, and only once
 * every execution is parked again.
 */

const SUBMISSIONS = {
  'on-time': 60,
  'when-reminded': 10,
  'extended-before-deadline': 8,
  'late-then-extended': 15,
  'late-then-withdrawn': 7,
};
const DECISIONS = {
  accredited: ['accredited'],
  'resubmit-then-accredited': ['resubmit', 'accredited'],
  'resubmit-then-not-accredited': ['resubmit', 'not-accredited'],
  'not-accredited': ['not-accredited'],
} as const;

/** What one participant, their senior leader, their cohort lead and the admin will do when asked. */
export interface Journey {
  seniorLeader: 'signs' | 'signs-when-reminded' | 'declines' | 'ignores';
  /** The senior leader's first ask bounces: the admin corrects the address and they answer the new ask. */
  seniorLeaderAddressCorrected: boolean;
  /** The participant's first task bounces likewise. */
  participantAddressCorrected: boolean;
  /** The first or second development day, which they miss: the admin defers them. */
  absentFromDay?: number;
  /** One per task or framework submission, in programme order. */
  submissions: (keyof typeof SUBMISSIONS)[];
  assessment: keyof typeof DECISIONS;
  /** One per termly report asked for. */
  terms: ('reported' | 'missed' | 'extended')[];
  reRegistration: 're-registers' | 'lapses' | 'lapses-then-reinstated';
  deferredBeforeDayOne: boolean;
  /** Withdrawn by the admin this many days after enrolment, if still on their way. */
  withdrawnAfterDays?: number;
}

/** Always the same number of draws, so one participant's choices never shift the next one's. */
export function drawJourney(random: SeededRandom): Journey {
  const absent = random.next() < 0.15;
  const absentFromDay = random.int(0, 1);
  const withdrawn = random.next() < 0.08;
  const withdrawnAfterDays = random.int(10, 420);
  return {
    seniorLeader: random.weighted({ signs: 72, 'signs-when-reminded': 12, declines: 8, ignores: 8 }),
    seniorLeaderAddressCorrected: random.next() < 0.1,
    participantAddressCorrected: random.next() < 0.1,
    ...(absent ? { absentFromDay } : {}),
    submissions: [0, 1, 2].map(() => random.weighted(SUBMISSIONS)),
    assessment: random.weighted({
      accredited: 65,
      'resubmit-then-accredited': 15,
      'resubmit-then-not-accredited': 7,
      'not-accredited': 13,
    }),
    terms: [0, 1, 2].map(() => random.weighted({ reported: 70, missed: 20, extended: 10 })),
    reRegistration: random.weighted({ 're-registers': 60, lapses: 20, 'lapses-then-reinstated': 20 }),
    deferredBeforeDayOne: random.next() < 0.08,
    ...(withdrawn ? { withdrawnAfterDays } : {}),
  };
}

interface CohortPlan {
  cohortId: string;
  programmeId: string;
  /** Days after the scenario starts that its participants enrol; its schedule is dated from then. */
  opensAfterDays: number;
  participants: number;
}

/** Three PD Lead cohorts three weeks apart (each a later cohort for the one before) and a Mastery Specialist one. */
export const cohortPlans: CohortPlan[] = [
  { cohortId: 'journeys-a', programmeId: 'ncetm-pd-lead', opensAfterDays: 0, participants: 12 },
  { cohortId: 'journeys-b', programmeId: 'ncetm-pd-lead', opensAfterDays: 21, participants: 10 },
  { cohortId: 'journeys-c', programmeId: 'ncetm-pd-lead', opensAfterDays: 42, participants: 6 },
  { cohortId: 'journeys-m', programmeId: 'primary-mastery-specialist', opensAfterDays: 0, participants: 4 },
];

/** A Mastery Specialist development year dated from `from`: three two-day residentials, tasks between. */
function masterySchedule(from: Date) {
  const residential = (day: number) => ({
    starts: daysFromNow(day, '09:30', from),
    ends: daysFromNow(day + 1, '15:30', from),
    venue: 'Hub residential centre',
  });
  return {
    'residential-1': residential(40),
    'colleague-task': { deadline: daysFromNow(75, '17:00', from) },
    'intervention-task': { deadline: daysFromNow(95, '17:00', from) },
    'residential-2': residential(110),
    'big-idea-task': { deadline: daysFromNow(150, '17:00', from) },
    'residential-3': residential(170),
  };
}

const FIRST_NAMES = ['Asha', 'Ben', 'Chloe', 'Dev', 'Emeka', 'Fatima', 'Grace', 'Hamza', 'Isla', 'Jonah'];
const FAMILY_NAMES = ['Patel', 'Okafor', 'Nowak', 'Hughes', 'Lindqvist'];

type Submittable = StepOf<'task'> | StepOf<'framework-submission'>;

const submittables = (programme: Programme) =>
  programme.steps.filter((s): s is Submittable => s.kind === 'task' || s.kind === 'framework-submission');
const developmentDays = (programme: Programme) =>
  programme.steps.filter((s): s is StepOf<'development-day'> => s.kind === 'development-day');

interface Actor {
  index: number;
  name: string;
  school: string;
  journey: Journey;
  programme: Programme;
  participantId: string;
  cohortId: string;
  enrolledAt: Date;
  /** Every address they have had; the last is the one on their record. */
  addresses: string[];
  leaderAddresses: string[];
  /** What their record's stage must be, from what they, their cohort lead and the admin did. */
  expectedStage: Stage;
  /** Nothing more is expected of them in this scenario (they may still be parked, e.g. accredited). */
  done: boolean;
  signed: boolean;
  withdrawn: boolean;
  /** Things falling due for them alone: their commitment's ladder, extensions, their accredited years. */
  instants: Date[];
  /** Asks answered (`<step>#<attempt>`) and asks for which more time was asked. */
  answered: Set<string>;
  extensionAsked: Set<string>;
  decisionsGiven: number;
  absenceUsed: boolean;
  terms: TermlyReport[];
  reinstated: boolean;
  /** Their newest unanswered ask: a participant withdrawn meanwhile may still click it. */
  openAsk?: { subject: string; link: string; fields: Record<string, string> };
}

interface MailboxEmail extends SentEmail {
  messageId: string;
}

interface Action {
  at: Date;
  run: () => Promise<unknown>;
}

export interface JourneyReport {
  seed: number;
  participants: number;
  finalStages: Record<string, number>;
  interventions: Record<string, number>;
  emails: number;
  executions: number;
  transitions: number;
  restarted: boolean;
  simulatedDays: number;
  /** Everything the scenario saw go wrong; empty when all is well. */
  problems: string[];
}

const DEFAULT_SEED = 20_271_115;
/** The seed: JOURNEY_SEED when given, so a failing run replays exactly. */
export const journeySeed = () => Number(process.env.JOURNEY_SEED ?? DEFAULT_SEED);

/** Mid-way: the first cohort is in its accredited years, the others in their programme. */
const RESTART_AFTER_DAYS = 120;
/** Instants this close to the next one are reached in the same move of the clock. */
const ONE_STOP_DAYS = 2;
/** Well past the last first re-registration: a scenario still running then is stuck. */
const GIVE_UP_AFTER_DAYS = 900;

export class JourneyScenario {
  private readonly random: SeededRandom;
  private readonly actors: Actor[] = [];
  private readonly cohorts = new Map<string, Cohort>();
  private readonly queue: Action[] = [];
  private readonly seen = new Set<string>();
  private readonly problems: string[] = [];
  /** Admin commands run, by name. */
  private readonly interventions: Record<string, number> = {};
  /** Every execution seen, by ARN: those of the system before a restart too. */
  private readonly executions = new Map<string, LocalExecution>();
  private transitionsBeforeRestart = 0;
  private mailReadAt = 0;
  private restarted = false;
  private readonly startedAt: Date;

  constructor(
    public system: LocalSystem,
    readonly seed: number,
    /** Stops the system and starts it again on the same data: every running execution is revived. */
    private readonly restartSystem: (system: LocalSystem) => Promise<LocalSystem>,
  ) {
    this.random = seededRandom(seed);
    this.startedAt = system.clock.now();
  }

  private get now() {
    return this.system.clock.now();
  }

  private get admin() {
    return this.system.dependencies.settings.ADMIN_EMAIL;
  }

  private problem(text: string) {
    this.problems.push(`${toLondonLocal(this.now)} ${text}`);
  }

  private at(at: Date, run: () => Promise<unknown>) {
    this.queue.push({ at, run });
  }

  private soon(run: () => Promise<unknown>) {
    this.at(this.now, run);
  }

  /** Creates the cohorts, draws every journey, then lives through them all. */
  async run(): Promise<JourneyReport> {
    await this.plan();
    for (let looks = 0; ; looks++) {
      await this.readEverythingSent();
      const due = this.queue.filter((a) => a.at <= this.now);
      if (due.length > 0) {
        this.queue.splice(0, this.queue.length, ...this.queue.filter((a) => !due.includes(a)));
        for (const action of due) await action.run();
        continue;
      }
      if (this.actors.every((a) => a.done)) break;
      const next = this.nextInstant();
      if (!next || next > addDays(this.startedAt, GIVE_UP_AFTER_DAYS) || looks > 5_000)
        throw new Error(`Stuck (seed ${this.seed}): ${this.stillOnTheirWay()}`);
      advanceToInstant(this.system, next);
    }
    this.remember();
    await this.checkEndState();
    return this.report();
  }

  private async plan() {
    for (const plan of cohortPlans) {
      const opens = addDays(this.startedAt, plan.opensAfterDays);
      const schedule = plan.programmeId === 'ncetm-pd-lead' ? pdLeadSchedule(opens) : masterySchedule(opens);
      const [firstDay] = Object.values(schedule);
      const letter = plan.cohortId.slice(-1).toUpperCase();
      const cohort = {
        cohortId: plan.cohortId,
        programmeId: plan.programmeId,
        pathway: 'primary' as const,
        mathsHub: 'North Star Maths Hub',
        name: `Journeys cohort ${letter}`,
        cohortLead: { name: `Casey Lead ${letter}`, email: `lead-${plan.cohortId}@hub.test` },
        startsOn: firstDay && 'starts' in firstDay ? firstDay.starts.slice(0, 10) : '',
        schedule,
      };
      await this.system.admin({ command: 'create-cohort', cohort });
      await this.refreshCohort(plan.cohortId);
      if (plan.programmeId === 'ncetm-pd-lead') this.planDateChanges(plan.cohortId);
    }
    for (const plan of cohortPlans)
      for (let i = 0; i < plan.participants; i++) this.planParticipant(plan, this.actors.length);
    this.at(addDays(this.startedAt, RESTART_AFTER_DAYS), () => this.restart());
  }

  private async refreshCohort(cohortId: string) {
    const cohort = await this.system.dependencies.store.cohorts.get(cohortId);
    if (!cohort) throw new Error(`No cohort ${cohortId}`);
    this.cohorts.set(cohortId, cohort);
  }

  /** The admin moves day 2 later (before or after its joining instructions) and the interim deadline. */
  private planDateChanges(cohortId: string) {
    const cohort = this.cohortAt(cohortId);
    const dayTwo = cohort.schedule['day-2'];
    const interim = cohort.schedule['interim-task'];
    const later = this.random.int(0, 7);
    const noticeDays = this.random.int(0, 1) ? 20 : 10;
    const moveDeadline = this.random.int(-3, 5);
    if (dayTwo && 'starts' in dayTwo && later > 0)
      this.at(addDays(londonTime(dayTwo.starts), -noticeDays), async () => {
        const moved = (local: string) => toLondonLocal(addDays(londonTime(local), later));
        await this.changeDate(cohortId, 'day-2', {
          starts: moved(dayTwo.starts),
          ends: moved(dayTwo.ends),
          venue: 'York Racecourse',
        });
      });
    if (interim && 'deadline' in interim && moveDeadline !== 0)
      this.at(addDays(londonTime(interim.deadline), -10), () =>
        this.changeDate(cohortId, 'interim-task', {
          deadline: toLondonLocal(addDays(londonTime(interim.deadline), moveDeadline)),
        }),
      );
  }

  private async changeDate(cohortId: string, stepId: string, schedule: object) {
    await this.adminCommand({ command: 'change-date', cohortId, stepId, schedule });
    await this.refreshCohort(cohortId);
  }

  private planParticipant(plan: CohortPlan, index: number) {
    const journey = drawJourney(this.random);
    const name = `${FIRST_NAMES[index % FIRST_NAMES.length]} ${FAMILY_NAMES[Math.floor(index / FIRST_NAMES.length) % FAMILY_NAMES.length]}`;
    const email = `${name.toLowerCase().replace(' ', '.')}@school-${index}.test`;
    const actor: Actor = {
      index,
      name,
      school: `School ${index}`,
      journey,
      programme: programmeById(plan.programmeId),
      participantId: '',
      cohortId: plan.cohortId,
      enrolledAt: addDays(this.startedAt, plan.opensAfterDays),
      addresses: [email],
      leaderAddresses: [],
      expectedStage: 'awaiting-commitment',
      done: false,
      signed: false,
      withdrawn: false,
      instants: [],
      answered: new Set(),
      extensionAsked: new Set(),
      decisionsGiven: 0,
      absenceUsed: false,
      terms: [],
      reinstated: false,
    };
    this.actors.push(actor);
    this.at(actor.enrolledAt, async () => {
      this.counted('enrol-participant');
      const enrolled = await enrol(this.system, { email, name, school: actor.school }, actor.cohortId);
      actor.participantId = enrolled.participantId;
      actor.leaderAddresses.push(enrolled.leader);
      const { ladder } = actor.programme.commitment;
      for (const days of [...ladder.reminderAfterDays, ladder.expiresAfterDays])
        actor.instants.push(addDays(this.now, days));
    });
    if (journey.withdrawnAfterDays !== undefined)
      this.at(addDays(actor.enrolledAt, journey.withdrawnAfterDays), async () => {
        if (!actor.done) await this.withdraw(actor, 'Left their school');
      });
    const dayOne = this.cohortAt(plan.cohortId).schedule[developmentDays(actor.programme)[0]?.id ?? ''];
    if (journey.deferredBeforeDayOne && dayOne && 'starts' in dayOne)
      this.at(addDays(londonTime(dayOne.starts), -20), async () => {
        if (actor.signed && !actor.done && actor.cohortId === plan.cohortId)
          await this.defer(actor, 0, 'Asked to start with a later cohort');
      });
  }

  private cohortAt(cohortId: string): Cohort {
    const cohort = this.cohorts.get(cohortId);
    if (!cohort) throw new Error(`No cohort ${cohortId}`);
    return cohort;
  }

  /** The next instant anything is due: a cohort's day or deadline, someone's own ask, a planned action. */
  private nextInstant(): Date | undefined {
    const candidates: Date[] = this.queue.map((a) => a.at);
    for (const cohort of this.cohorts.values()) {
      const programme = programmeById(cohort.programmeId);
      for (const entry of Object.values(cohort.schedule))
        if ('starts' in entry)
          candidates.push(
            addDays(londonTime(entry.starts), -programme.joiningInstructionsDaysBefore),
            londonTime(entry.ends),
          );
        else candidates.push(...this.deadlineInstants(londonTime(entry.deadline)));
    }
    for (const actor of this.actors) if (!actor.done) candidates.push(...actor.instants);
    const now = this.now.getTime();
    const ahead = candidates.filter((c) => c.getTime() > now).sort((a, b) => a.getTime() - b.getTime());
    const first = ahead[0];
    // Stops close together are one stop: each stop wakes every execution whose weekly look has come,
    // so fewer stops are less work, and nothing here hangs on a day's difference.
    return first && ahead.filter((c) => c <= addDays(first, ONE_STOP_DAYS)).at(-1);
  }

  /**
   * An ask's deadline and the reminder a week before it, which every ask here sends (tasks, frameworks,
   * termly reports, re-registrations): people who act when reminded act then. Other reminders go out
   * whenever the clock passes them; fewer stops keep the scenario quick.
   */
  private deadlineInstants(deadline: Date) {
    return [addDays(deadline, -7), deadline];
  }

  /** Once nothing moves, every email sent so far is read. */
  private async readEverythingSent() {
    // Generous: on a busy machine dozens of executions may wake at once.
    await this.system.stepFunctions.settled(60_000);
    await this.readMail();
  }

  private async readMail() {
    const since = this.mailReadAt;
    // The mailbox stamps each email in wall-clock seconds: a second's overlap, and its ids, miss nothing.
    this.mailReadAt = Math.floor(Date.now() / 1000) - 1;
    const response = await fetch(`${this.system.urls.mailbox}/store?since=${since}`);
    const { emails } = (await response.json()) as { emails: MailboxEmail[] };
    const news = emails.filter((e) => !this.seen.has(e.messageId));
    for (const email of news) {
      this.seen.add(email.messageId);
      this.route(email);
    }
  }

  /**
   * The link in an email, on the running system. The local system listens on a new port each time it
   * starts, so a link from before a restart is read on today's address, as a stable domain would give.
   */
  private link(email: SentEmail) {
    return this.onToday(linkIn(email));
  }

  /** A link on the running system's address: one kept from before a restart is used after it. */
  private onToday(link: string) {
    return new URL(new URL(link).pathname, this.system.urls.forms).href;
  }

  private route(email: MailboxEmail) {
    for (const to of email.destination.to) {
      const lead = [...this.cohorts.values()].find((c) => c.cohortLead.email === to);
      if (lead) this.cohortLeadReads(email, lead);
      else if (to === this.admin) this.adminReads(email);
      else {
        const participant = this.actors.find((a) => a.addresses.includes(to));
        const leader = this.actors.find((a) => a.leaderAddresses.includes(to));
        if (participant) this.participantReads(participant, to, email);
        else if (leader) this.seniorLeaderReads(leader, to, email);
        else this.problem(`An email to nobody in the scenario: ${to}, "${email.subject}"`);
      }
    }
  }

  /**
   * Posts an answer; false if it was refused. `closedMeanwhile` says when a closed link (410) is what the
   * system should answer, not a problem.
   */
  private async answer(
    actor: Actor,
    what: string,
    link: string,
    fields: Record<string, string>,
    closedMeanwhile = () => false,
  ): Promise<boolean> {
    const { status, page } = await post(this.onToday(link), fields);
    if (status === 200) return true;
    if (status !== 410 || !closedMeanwhile())
      this.problem(
        `${actor.name}: ${what} answered ${status}: ${page.replace(/<[^>]+>/g, ' ').slice(0, 200)}`,
      );
    return false;
  }

  private counted(command: string) {
    this.interventions[command] = (this.interventions[command] ?? 0) + 1;
  }

  private async adminCommand(command: { command: string } & Record<string, unknown>) {
    this.counted(command.command);
    try {
      return await this.system.admin(command);
    } catch (error) {
      this.problem(`Admin command ${JSON.stringify(command)} failed: ${(error as Error).message}`);
    }
  }

  private seniorLeaderReads(actor: Actor, to: string, email: SentEmail) {
    const ask = /^(Reminder: )?Please confirm your support for/.exec(email.subject);
    if (!ask || actor.signed || to !== actor.leaderAddresses.at(-1)) return;
    const { journey } = actor;
    if (journey.seniorLeaderAddressCorrected && actor.leaderAddresses.length === 1)
      return this.soon(() => this.correctEmail(actor, 'senior-leader', `new.${to}`));
    const reminded = Boolean(ask[1]);
    const link = this.link(email);
    if (journey.seniorLeader === 'signs' || (journey.seniorLeader === 'signs-when-reminded' && reminded)) {
      actor.signed = true;
      actor.expectedStage = 'in-programme';
      this.soon(() => this.answer(actor, 'the commitment', link, sign));
    }
    if (journey.seniorLeader === 'declines' && !reminded) {
      actor.expectedStage = 'commitment-declined';
      this.soon(() =>
        this.answer(actor, 'the commitment', link, {
          ...sign,
          decision: 'declined',
          agree: '',
          reason: 'We cannot release them this year',
        }),
      );
    }
    if (journey.seniorLeader === 'ignores') actor.expectedStage = 'commitment-expired';
  }

  private participantReads(actor: Actor, to: string, email: SentEmail) {
    const { subject } = email;
    if (actor.withdrawn && !subject.startsWith('Cancelled for you:'))
      this.problem(`${actor.name} was sent "${subject}" after they were withdrawn`);
    if (to !== actor.addresses.at(-1))
      return this.problem(`${actor.name}'s old address ${to} was sent "${subject}" after it was corrected`);
    if (actor.withdrawn) return;
    const submission =
      /^(Reminder: )?(New deadline: )?Please submit your (resubmission of the )?(.+) by /.exec(subject);
    if (submission)
      return this.submissionAsked(actor, email, {
        reminded: Boolean(submission[1]),
        extended: Boolean(submission[2]),
        attempt: submission[3] ? 2 : 1,
        title: submission[4] ?? '',
      });
    const termly =
      /^(Reminder: )?(New deadline: )?Please report your PD reach and impact for the (.+) by /.exec(subject);
    if (termly)
      return this.termlyAsked(actor, email, Boolean(termly[1]), Boolean(termly[2]), termly[3] ?? '');
    if (/^(Reminder: )?(New deadline: )?Please re-register/.test(subject))
      return this.reRegistrationAsked(actor, email);
    if (subject.startsWith('Congratulations: you are accredited'))
      return this.soon(() => this.accredited(actor));
    if (subject.startsWith('You are re-registered')) actor.done = true;
    if (subject.startsWith('Your accreditation has lapsed')) {
      actor.expectedStage = 'lapsed';
      actor.done = actor.journey.reRegistration !== 'lapses-then-reinstated' || actor.reinstated;
    }
    if (/^The outcome of your .* assessment/.test(subject)) actor.done = true;
    if (subject.startsWith('You have completed the')) {
      actor.expectedStage = 'completed';
      actor.done = true;
    }
  }

  private submissionAsked(
    actor: Actor,
    email: SentEmail,
    ask: { reminded: boolean; extended: boolean; attempt: number; title: string },
  ) {
    const steps = submittables(actor.programme);
    const step = steps.find((s) => s.title === ask.title);
    if (!step) return this.problem(`${actor.name} was asked to submit an unknown "${ask.title}"`);
    const key = `${step.id}#${ask.attempt}`;
    if (actor.answered.has(key)) return;
    const fields = Object.fromEntries(step.prompts.map((p) => [p.name, `${p.label} ${actor.name} answers.`]));
    const link = this.link(email);
    actor.openAsk = { subject: email.subject, link, fields };
    if (actor.journey.participantAddressCorrected && actor.addresses.length === 1)
      return this.soon(() => this.correctEmail(actor, 'participant', `new.${actor.addresses[0]}`));
    const plan = ask.attempt > 1 ? 'on-time' : actor.journey.submissions[steps.indexOf(step)];
    const askedIn = actor.cohortId;
    const submit = () => {
      actor.answered.add(key);
      actor.openAsk = undefined;
      this.soon(async () => {
        // Withdrawn before they got to it, the link is closed; deferred, the old cohort's ask closed and
        // the later cohort asks again.
        const closedMeanwhile = () => actor.withdrawn || actor.cohortId !== askedIn;
        if (!(await this.answer(actor, step.title, link, fields, closedMeanwhile)))
          actor.answered.delete(key);
      });
    };
    if (plan === 'on-time' && !ask.reminded) return submit();
    if (plan === 'when-reminded' && (ask.reminded || ask.extended)) return submit();
    if (plan === 'extended-before-deadline' && ask.reminded && !actor.extensionAsked.has(key)) {
      actor.extensionAsked.add(key);
      return this.soon(() => this.grantExtension(actor, step.id, 14));
    }
    if (ask.extended && actor.extensionAsked.has(key)) submit();
  }

  private termlyAsked(actor: Actor, email: SentEmail, reminded: boolean, extended: boolean, title: string) {
    const index = actor.terms.findIndex((t) => t.title === title);
    const term = actor.terms[index];
    if (!term) return this.problem(`${actor.name} was asked about an unknown ${title}`);
    if (actor.answered.has(term.id)) return;
    const plan = actor.journey.terms[index];
    const link = this.link(email);
    actor.openAsk = { subject: email.subject, link, fields: termlyAnswers };
    const report = () => {
      actor.answered.add(term.id);
      actor.openAsk = undefined;
      this.soon(() => this.answer(actor, term.title, link, termlyAnswers));
    };
    if (plan === 'reported' && !reminded) return report();
    if (plan === 'extended' && reminded && !actor.extensionAsked.has(term.id)) {
      actor.extensionAsked.add(term.id);
      // Not for a lead whose accreditation lapsed meanwhile: the admin is refused, as they should be.
      return this.soon(async () => {
        if (actor.expectedStage !== 'lapsed') await this.grantExtension(actor, term.id, 14);
      });
    }
    if (plan === 'extended' && extended) report();
  }

  private reRegistrationAsked(actor: Actor, email: SentEmail) {
    const fields = reRegistrationAnswers(actor.addresses.at(-1) ?? '', {
      name: actor.name,
      organisation: actor.school,
    });
    const link = this.link(email);
    actor.openAsk = { subject: email.subject, link, fields };
    const willAnswer = actor.journey.reRegistration === 're-registers' || actor.reinstated;
    if (!willAnswer || actor.answered.has('re-registration')) return;
    actor.answered.add('re-registration');
    actor.openAsk = undefined;
    this.soon(() => this.answer(actor, 'the re-registration', link, fields));
  }

  /** Accredited: their accredited years are dated from the record's accreditation. */
  private async accredited(actor: Actor) {
    actor.expectedStage = 'accredited';
    const record = await this.system.dependencies.store.participants.get(actor.participantId);
    const plan = actor.programme.accreditation;
    if (!record?.accreditation || !plan)
      return this.problem(`${actor.name} accredited without a record of it`);
    const accreditedAt = new Date(record.accreditation.accreditedAt);
    actor.terms = termlyReports(accreditedAt, plan.termlyFeedback);
    for (const term of actor.terms) actor.instants.push(term.asksAt, ...this.deadlineInstants(term.due));
    const year = reRegistrationYear(accreditedAt, 1, plan.reRegistration);
    actor.instants.push(year.asksAt, ...this.deadlineInstants(year.due));
  }

  private cohortLeadReads(email: SentEmail, cohort: Cohort) {
    const { subject } = email;
    if (subject.startsWith('Reminder:'))
      return this.problem(
        `${cohort.cohortLead.name} was reminded although they answer at once: "${subject}"`,
      );
    const link = this.link(email);
    // Each ask says by when: "Please record attendance for Development day 1[ for <late joiner>] by <London time> (<cohort>)".
    const attendance = /^Please record attendance for (.+?)(?: for .+)? by /.exec(subject);
    if (attendance) return this.soon(() => this.register(link, attendance[1] ?? ''));
    const feedback = /^Please give feedback to (.+) by /.exec(subject);
    const assess = /^Please assess (.+)'s submission by /.exec(subject);
    const actor = this.actors.find((a) => a.name === (feedback?.[1] ?? assess?.[1]));
    if (!actor) return;
    if (feedback) this.soon(() => this.answer(actor, 'feedback', link, { feedback: feedbackGiven }));
    if (assess) this.soon(() => this.assess(actor, link));
  }

  /** The cohort lead reads the register page and marks everyone on it. */
  private async register(link: string, dayTitle: string) {
    const page = await (await fetch(this.onToday(link))).text();
    const ids = [...new Set([...page.matchAll(/name="attendance-(p-[a-z0-9]+)"/g)].map((m) => m[1]))];
    const fields: Record<string, string> = {};
    for (const id of ids) {
      const actor = this.actors.find((a) => a.participantId === id);
      if (!actor) return this.problem(`The register lists ${id}, whom nobody enrolled`);
      const position = developmentDays(actor.programme).findIndex((s) => s.title === dayTitle);
      const absent = actor.journey.absentFromDay === position && !actor.absenceUsed;
      if (absent) actor.absenceUsed = true;
      fields[`attendance-${id}`] = absent ? 'absent' : 'attended';
    }
    if (ids.length > 0) {
      const { status, page: reply } = await post(this.onToday(link), fields);
      if (status !== 200) this.problem(`A register answered ${status}: ${reply.slice(0, 200)}`);
    }
  }

  private async assess(actor: Actor, link: string) {
    const decision = DECISIONS[actor.journey.assessment][actor.decisionsGiven++] ?? 'accredited';
    if (decision === 'not-accredited') actor.expectedStage = 'not-accredited';
    const resubmitBy = daysFromNow(21, '17:00', this.now);
    if (decision === 'resubmit') actor.instants.push(...this.deadlineInstants(londonTime(resubmitBy)));
    await this.answer(actor, `assessment (${decision})`, link, {
      decision,
      ...(decision === 'accredited' ? {} : { feedback: 'Show the impact on pupils.' }),
      ...(decision === 'resubmit' ? { resubmitBy: resubmitBy.slice(0, 10) } : {}),
    });
  }

  private adminReads(email: SentEmail) {
    if (email.subject.startsWith('Action needed')) return this.problem(`Admin alerted: "${email.subject}"`);
    // The commitment gate closed without a signature: nothing more for the admin to do here.
    const noStart = /^(No commitment signed|Commitment declined) for (.+) \(/.exec(email.subject);
    const unsigned = this.actors.find((a) => a.name === noStart?.[2]);
    if (unsigned) unsigned.done = true;
    const about = /^(.*): ([^:]+) \(([a-z0-9-]+)\)$/.exec(email.subject);
    const actor = this.actors.find((a) => a.name === about?.[2]);
    const what = about?.[1] ?? '';
    if (!actor || actor.withdrawn) return;
    const absent = /^Absent from (.+)$/.exec(what);
    if (absent) {
      const position = developmentDays(actor.programme).findIndex((s) => s.title === absent[1]);
      return this.soon(() => this.defer(actor, position, `Missed ${absent[1]}`));
    }
    const missed = /^Missed deadline for (.+)$/.exec(what);
    const steps = submittables(actor.programme);
    const step = steps.find((s) => s.title === missed?.[1]);
    if (step) {
      if (actor.journey.submissions[steps.indexOf(step)] === 'late-then-withdrawn')
        return this.soon(() => this.withdraw(actor, `Nothing submitted for ${step.title}`));
      actor.extensionAsked.add(`${step.id}#1`);
      actor.extensionAsked.add(`${step.id}#2`);
      return this.soon(() => this.grantExtension(actor, step.id, 10));
    }
    if (what === 'Accreditation lapsed' && actor.journey.reRegistration === 'lapses-then-reinstated')
      this.soon(() => this.reinstate(actor));
  }

  private async grantExtension(actor: Actor, stepId: string, days: number) {
    const until = addDays(this.now, days);
    actor.instants.push(...this.deadlineInstants(until));
    await this.adminCommand({
      command: 'grant-extension',
      participantId: actor.participantId,
      stepId,
      until: toLondonLocal(until),
    });
  }

  /** What was sent to the old address is read first: nothing may go there once it is corrected. */
  private async correctEmail(actor: Actor, whose: 'participant' | 'senior-leader', email: string) {
    const addresses = whose === 'participant' ? actor.addresses : actor.leaderAddresses;
    // Two asks may bounce at once: one correction.
    if (addresses.includes(email)) return;
    await this.readEverythingSent();
    addresses.push(email);
    await this.adminCommand({ command: 'correct-email', participantId: actor.participantId, whose, email });
  }

  private async reinstate(actor: Actor) {
    if (actor.reinstated) return;
    actor.reinstated = true;
    actor.expectedStage = 'accredited';
    const by = addDays(this.now, 14);
    actor.instants.push(...this.deadlineInstants(by));
    await this.adminCommand({
      command: 'reinstate-accreditation',
      participantId: actor.participantId,
      reason: 'Re-registered by phone',
      reRegisterBy: toLondonLocal(by),
    });
  }

  /** To the next cohort of their programme whose `day` is still ahead; withdrawn if there is none. */
  private async defer(actor: Actor, day: number, reason: string) {
    if (actor.withdrawn) return;
    const dayId = developmentDays(actor.programme)[day]?.id ?? '';
    const later = cohortPlans.slice(cohortPlans.findIndex((p) => p.cohortId === actor.cohortId) + 1);
    const target = later
      .map((p) => this.cohortAt(p.cohortId))
      .find((c) => {
        const entry = c.schedule[dayId];
        return (
          c.programmeId === actor.programme.id &&
          entry &&
          'starts' in entry &&
          londonTime(entry.starts) > addDays(this.now, 1)
        );
      });
    if (!target) return this.withdraw(actor, `${reason}; no later cohort`);
    actor.cohortId = target.cohortId;
    await this.adminCommand({
      command: 'defer-participant',
      participantId: actor.participantId,
      toCohortId: target.cohortId,
      reason,
    });
  }

  /**
   * Withdrawn once everything sent before is read; then, not knowing, they use the newest link they had,
   * which must no longer act.
   */
  private async withdraw(actor: Actor, reason: string) {
    if (actor.withdrawn) return;
    await this.readEverythingSent();
    actor.withdrawn = true;
    actor.done = true;
    actor.expectedStage = 'withdrawn';
    await this.adminCommand({ command: 'withdraw-participant', participantId: actor.participantId, reason });
    if (!actor.openAsk) return;
    const { subject, link, fields } = actor.openAsk;
    if ((await post(this.onToday(link), fields)).status === 200)
      this.problem(`${actor.name}'s link in "${subject}" still acted after they were withdrawn`);
  }

  /** Restarts the local system once everything sent is read; every execution carries on. */
  private async restart() {
    await this.readEverythingSent();
    this.remember();
    this.transitionsBeforeRestart = this.transitions(this.system.stepFunctions.listExecutions());
    this.system = await this.restartSystem(this.system);
    this.restarted = true;
  }

  private remember() {
    for (const execution of this.system.stepFunctions.listExecutions())
      this.executions.set(execution.executionArn, execution);
  }

  private transitions(executions: LocalExecution[]) {
    return executions.reduce((n, e) => n + e.statesEntered.length, 0);
  }

  private stillOnTheirWay() {
    return this.actors
      .filter((a) => !a.done)
      .map((a) => {
        const running = this.system.stepFunctions
          .listExecutions()
          .filter((e) => e.status === 'RUNNING' && e.name.startsWith(a.participantId));
        return `${a.name} [${a.participantId}] expected ${a.expectedStage}, ${JSON.stringify(a.journey)}, at ${running.map((e) => e.statesEntered.at(-1)).join(', ')}`;
      })
      .join('\n');
  }

  /** Everyone finished or parked as their record says; nothing failed. */
  private async checkEndState() {
    const executions = this.system.stepFunctions.listExecutions();
    for (const execution of this.executions.values())
      if (execution.status === 'FAILED')
        this.problem(`Execution ${execution.name} failed: ${execution.error} ${execution.cause}`);
    for (const actor of this.actors) {
      const record = await this.system.dependencies.store.participants.get(actor.participantId);
      if (record?.stage !== actor.expectedStage)
        this.problem(`${actor.name} is ${record?.stage}, expected ${actor.expectedStage}`);
      const running = executions.filter(
        (e) => e.status === 'RUNNING' && e.name.startsWith(`${actor.participantId}`),
      );
      const accredited = actor.expectedStage === 'accredited';
      const parkedInYears = running.every(
        (e) => e.parked && e.stateMachineArn === this.system.stateMachineArns.AccreditedYears,
      );
      if (running.length !== (accredited ? 1 : 0) || !parkedInYears)
        this.problem(
          `${actor.name} (${actor.expectedStage}) has running executions: ${running.map((e) => `${e.name} at ${e.statesEntered.at(-1)}`).join(', ')}`,
        );
    }
  }

  private async report(): Promise<JourneyReport> {
    const finalStages: Record<string, number> = {};
    for (const actor of this.actors) {
      const stage =
        (await this.system.dependencies.store.participants.get(actor.participantId))?.stage ?? 'none';
      finalStages[stage] = (finalStages[stage] ?? 0) + 1;
    }
    return {
      seed: this.seed,
      participants: this.actors.length,
      finalStages,
      interventions: this.interventions,
      emails: this.seen.size,
      executions: this.executions.size,
      // A revived execution's states count again from its revival.
      transitions:
        this.transitionsBeforeRestart + this.transitions(this.system.stepFunctions.listExecutions()),
      restarted: this.restarted,
      simulatedDays: Math.round((this.now.getTime() - this.startedAt.getTime()) / DAY),
      problems: this.problems,
    };
  }
}
