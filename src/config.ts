import { z } from 'zod';
import { defaultBodies, type OutsideBody, outsideBodiesSetting } from './domain/outside-bodies';

/** Where an operator finds each setting; quoted in start-up errors so nobody has to guess. */
const WHERE: Record<string, string> = {
  SLACK_BOT_TOKEN: 'Slack app settings > OAuth & Permissions > Bot User OAuth Token (starts with xoxb-)',
  SLACK_SIGNING_SECRET: 'Slack app settings > Basic Information > App Credentials > Signing Secret',
  SLACK_APP_TOKEN:
    'Slack app settings > Basic Information > App-Level Tokens (scope connections:write, starts with xapp-)',
  SLACK_API_URL: 'leave unset for Slack itself (https://slack.com/api/)',
  SLACK_API_TIMEOUT_SECONDS: 'seconds to wait for Slack to answer one call, default 10',
  PORT: 'any free TCP port, default 3000',
  DATABASE_PATH: 'a writable file path, default ./data/vigil.db',
  AUDIT_KEY:
    'optional: 64 hex characters, e.g. from `openssl rand -hex 32`; unset, Vigil keeps its key in <DATABASE_PATH>.audit-key',
  SECURITY_CHANNEL_ID:
    'open the private security channel in Slack > channel name > About: Channel ID (starts with C or G)',
  SIRO_USER_IDS: "comma-separated member IDs: a person's profile > ⋮ > Copy member ID (starts with U or W)",
  CIO_USER_IDS: "comma-separated member IDs: a person's profile > ⋮ > Copy member ID",
  MD_USER_IDS: "comma-separated member IDs: a person's profile > ⋮ > Copy member ID",
  IAO_USER_IDS: "optional, comma-separated member IDs: a person's profile > ⋮ > Copy member ID",
  MANAGEMENT_REP_USER_IDS:
    "optional, comma-separated member IDs of who writes the monthly briefing's recommendations (the IRM or Management Representative); unset, the SIROs do",
  BRIEFING_WAIT_WORKING_DAYS:
    'working days (Monday to Friday) the monthly briefing waits for recommendations before it goes to the Managing Director without them, default 2',
  DEPARTMENTS:
    'Name=UHEAD,Other name=UHEAD2/UDEPUTY2: each department as offered in the form, its head’s member ID and, after a slash, optionally a deputy’s',
  ORG_TIME_ZONE: 'an IANA time zone such as Europe/London, default UTC',
  TARGET_HOURS_CRITICAL: 'hours, default 24',
  TARGET_HOURS_HIGH: 'hours, default 72',
  TARGET_HOURS_MEDIUM: 'hours, default 168 (7 days)',
  TARGET_HOURS_LOW: 'hours, default 720 (30 days)',
  OUTBOX_MAX_BACKOFF_SECONDS: 'seconds between retries of a failed Slack delivery at most, default 20',
  TRIAGE_ROLES: 'comma-separated roles that may triage and set severity: siro, cio, security; default siro',
  NOTIFY_REGULATOR_HOURS:
    'hours from awareness to notify the data-protection regulator, default 72 (GDPR Art. 33)',
  NOTIFY_POLICE_HOURS: 'hours from awareness to report a crime to the police, default 24',
  NOTIFY_CERT_HOURS: 'hours from awareness to report a network incident to the national CERT, default 24',
  NOTIFY_CUSTOMERS_HOURS: 'hours from awareness to tell affected customers, default 72',
  OUTSIDE_BODIES:
    'optional JSON list of outside bodies besides the four defaults, each {"id","label","trigger":{…},"stages":[{"id","label","hours"}],"roles":[…]}; see .env.example',
  LATE_REPORT_HOURS:
    'hours from discovery to report after which a report counts as late (seed 000 Rep.1 "immediately"), default 24',
  REMIND_UNTRIAGED_HOURS: 'hours a report may wait for triage before the SIRO is reminded, default 4',
  REMIND_UNTRIAGED_URGENT_HOURS:
    'hours a possible personal-data breach, or a report that customers or staff may be affected, may wait for triage before the SIRO is chased at any hour, default 1',
  REMIND_BEFORE_TARGET_HOURS: 'hours before the target resolution time to remind the IRM, default 24',
  REMIND_ANALYSIS_DAYS: 'days after resolution before the causal analysis is chased, default 3',
  REMIND_ACTION_DAYS: 'days before an action is due to remind its owner, default 2',
  REMIND_NOTIFY_HOURS: 'hours before a notification deadline to send an urgent reminder, default 24',
  ESCALATE_OVERDUE_DAYS: 'days overdue before the SIRO is told, default 2',
  REMIND_PLAN_DAYS:
    'days the SIRO may leave an action plan (Medium and above) unagreed before a reminder, default 2',
  REMIND_CLOSURE_DAYS:
    'days a closure step (recurrence review, request for closure, peer review, CIO approval) may wait before it is chased, default 3',
  WORKDAY_HOURS: 'working hours in the recipient’s own zone for non-urgent reminders, default 09-17',
  REMINDER_SWEEP_MINUTES: 'minutes between reminder sweeps in the running app, default 5',
  LOG_LEVEL: 'debug, info, warn or error; default info',
};

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().trim().optional());
/** The audit chain's HMAC key (db/audit-key.ts): 32 bytes as hex. */
const auditKey = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
    .optional(),
);
const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'is not a Slack member ID (U… or W…)');

/**
 * Tokens as Slack issues them, so a placeholder (`xoxb-`), a truncated paste or the wrong kind of
 * token is named at start-up rather than discovered as `invalid_auth` later.
 */
const BOT_TOKEN = /^xoxb-\d+-\d+-[A-Za-z0-9]{16,}$/;
const APP_TOKEN = /^xapp-\d+-[A-Z0-9]+-\d+-[A-Za-z0-9]{16,}$/;
const slackToken = (prefix: string, shape: RegExp, looksLike: string) =>
  z
    .string()
    .trim()
    .superRefine((token, ctx) => {
      if (!token.startsWith(prefix)) ctx.addIssue({ code: 'custom', message: `must start with ${prefix}` });
      else if (!shape.test(token))
        ctx.addIssue({
          code: 'custom',
          message: `is not a complete ${prefix} token (one looks like ${looksLike}); copy it again`,
        });
    });

/** A static_select offers at most 100 options (slack-facts.md §4). */
export const MAX_DEPARTMENTS = 100;

const userIdList = (required: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    (required ? z.string() : z.string().optional())
      .transform((s) =>
        (s ?? '')
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .pipe(required ? z.array(userId).min(1, 'needs at least one member ID') : z.array(userId)),
  );

const departments = z.preprocess(
  emptyAsUndefined,
  z.string().transform((s, ctx) => {
    const out: Department[] = [];
    for (const part of s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      const eq = part.lastIndexOf('=');
      const name = eq > 0 ? part.slice(0, eq).trim() : '';
      // `Head` or `Head/Deputy` (seed 000 Rep.1: the supervisor route when the head cannot be told).
      const [headId = '', deputyId, ...extra] = (eq > 0 ? part.slice(eq + 1) : '')
        .split('/')
        .map((x) => x.trim());
      const deputyOk = deputyId === undefined || userId.safeParse(deputyId).success;
      if (!name || !userId.safeParse(headId).success || !deputyOk || extra.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `entry "${part}" is not Name=U123ABC or Name=U123ABC/U456DEF`,
        });
        continue;
      }
      if (deputyId === headId)
        ctx.addIssue({
          code: 'custom',
          message: `department "${name}" names ${headId} as both head and deputy; the deputy must be someone else`,
        });
      if (name.length > 75) ctx.addIssue({ code: 'custom', message: `name "${name}" is over 75 characters` });
      if (out.some((d) => d.name.toLowerCase() === name.toLowerCase()))
        ctx.addIssue({ code: 'custom', message: `department "${name}" is listed twice` });
      out.push({ name, headId, ...(deputyId ? { deputyId } : {}) });
    }
    if (out.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one Name=U123ABC' });
    if (out.length > MAX_DEPARTMENTS)
      ctx.addIssue({
        code: 'custom',
        message: `lists ${out.length} departments; the report form can offer at most ${MAX_DEPARTMENTS}`,
      });
    return out;
  }),
);

const hours = (fallback: number) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(fallback),
  );

const timeZone = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .default('UTC')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'is not an IANA time zone'),
);

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    emptyAsUndefined,
    slackToken('xoxb-', BOT_TOKEN, 'xoxb-<digits>-<digits>-<letters>'),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(
    emptyAsUndefined,
    slackToken('xapp-', APP_TOKEN, 'xapp-<digit>-<app ID>-<digits>-<letters>').optional(),
  ),
  SLACK_API_URL: z.preprocess(emptyAsUndefined, z.url().default('https://slack.com/api/')),
  SLACK_API_TIMEOUT_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().min(0.1).max(60).default(10)),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  DATABASE_PATH: z.preprocess(emptyAsUndefined, z.string().default('./data/vigil.db')),
  AUDIT_KEY: auditKey,
  SECURITY_CHANNEL_ID: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'is not a channel ID (C… or G…)'),
  ),
  SIRO_USER_IDS: userIdList(true),
  CIO_USER_IDS: userIdList(true),
  MD_USER_IDS: userIdList(true),
  IAO_USER_IDS: userIdList(false),
  MANAGEMENT_REP_USER_IDS: userIdList(false),
  BRIEFING_WAIT_WORKING_DAYS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(0).max(20).default(2),
  ),
  DEPARTMENTS: departments,
  ORG_TIME_ZONE: timeZone,
  TARGET_HOURS_CRITICAL: hours(24),
  TARGET_HOURS_HIGH: hours(72),
  TARGET_HOURS_MEDIUM: hours(168),
  TARGET_HOURS_LOW: hours(720),
  OUTBOX_MAX_BACKOFF_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().min(1).max(300).default(20)),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['debug', 'info', 'warn', 'error']).default('info')),
  TRIAGE_ROLES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('siro')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(['siro', 'cio', 'security'], 'must list only siro, cio or security')).min(1)),
  ),
  NOTIFY_REGULATOR_HOURS: hours(72),
  NOTIFY_POLICE_HOURS: hours(24),
  NOTIFY_CERT_HOURS: hours(24),
  NOTIFY_CUSTOMERS_HOURS: hours(72),
  OUTSIDE_BODIES: z.preprocess(emptyAsUndefined, outsideBodiesSetting),
  LATE_REPORT_HOURS: hours(24),
  REMIND_UNTRIAGED_HOURS: hours(4),
  REMIND_UNTRIAGED_URGENT_HOURS: hours(1),
  REMIND_BEFORE_TARGET_HOURS: hours(24),
  REMIND_ANALYSIS_DAYS: hours(3),
  REMIND_ACTION_DAYS: hours(2),
  REMIND_NOTIFY_HOURS: hours(24),
  ESCALATE_OVERDUE_DAYS: hours(2),
  REMIND_PLAN_DAYS: hours(2),
  REMIND_CLOSURE_DAYS: hours(3),
  WORKDAY_HOURS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^([01]?\d|2[0-3])-([01]?\d|2[0-4])$/, 'must look like 09-17')
      .default('09-17')
      .transform((s) => s.split('-').map(Number) as [number, number])
      .refine(([a, b]) => a < b, 'must start before it ends'),
  ),
  REMINDER_SWEEP_MINUTES: z.preprocess(emptyAsUndefined, z.coerce.number().min(1).max(1440).default(5)),
});

export interface Department {
  name: string;
  headId: string;
  /** Who stands in when the head reported it or it concerns the head (seed 000 Rep.1). */
  deputyId?: string;
}

export interface Config {
  slack: { botToken: string; signingSecret?: string; appToken?: string; apiUrl: string; timeoutMs: number };
  port: number;
  databasePath: string;
  /** AUDIT_KEY, when set; otherwise the key file beside the database. */
  auditKey?: string;
  securityChannelId: string;
  roles: { siro: string[]; cio: string[]; md: string[]; iao: string[] };
  /** Seed 000 Rep.4.4: who writes the monthly briefing's recommendations, and how long it waits for them. */
  briefing: { writers: string[]; writersAre: 'management_rep' | 'siro'; waitWorkingDays: number };
  departments: Department[];
  orgTimeZone: string;
  targetHours: Record<'critical' | 'high' | 'medium' | 'low', number>;
  outboxMaxBackoffMs: number;
  triageRoles: ('siro' | 'cio' | 'security')[];
  notifyHours: Record<'regulator' | 'police' | 'cert' | 'customers', number>;
  /** Seed 003 §5.7–5.9: the four defaults (with notifyHours), then those OUTSIDE_BODIES declares. */
  outsideBodies: OutsideBody[];
  /** Seed 000 Rep.1: hours from discovery to report after which a report is late. */
  lateReportHours: number;
  reminders: {
    untriagedHours: number;
    /** Seed 003 §5.7: a possible breach is chased sooner, and at any hour. */
    untriagedUrgentHours: number;
    beforeTargetHours: number;
    analysisDays: number;
    actionDays: number;
    notifyHours: number;
    escalateOverdueDays: number;
    /** Days an unagreed action plan waits before the SIRO is reminded (seed 003 §4.3). */
    planDays: number;
    /** Days a step between restoration and closure waits before it is chased (seed 003 §5.10–5.11). */
    closureDays: number;
    workday: [number, number];
    sweepMinutes: number;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Vigil cannot start: ${problems.length} setting${problems.length === 1 ? '' : 's'} to fix ` +
        `(environment or .env file, see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

const describe = (key: string, what: string) =>
  `${key} ${what}${WHERE[key] ? ` (where to find it: ${WHERE[key]})` : ''}`;

/** Validates the whole environment at once, so an operator fixes every problem in one go. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? 'environment');
        const what = (env[key] ?? '').trim() === '' ? 'is missing' : issue.message;
        return describe(key, what);
      });
  // Checked beside the schema, not after it, so this problem is listed with all the others.
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim())
    problems.push(
      describe(
        'SLACK_SIGNING_SECRET',
        'is missing (required in HTTP mode; or set SLACK_APP_TOKEN for Socket Mode)',
      ),
    );
  if (!parsed.success || problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
      ...(e.SLACK_APP_TOKEN ? { appToken: e.SLACK_APP_TOKEN } : {}),
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      timeoutMs: Math.round(e.SLACK_API_TIMEOUT_SECONDS * 1000),
    },
    port: e.PORT,
    databasePath: e.DATABASE_PATH,
    ...(e.AUDIT_KEY ? { auditKey: e.AUDIT_KEY } : {}),
    securityChannelId: e.SECURITY_CHANNEL_ID,
    roles: { siro: e.SIRO_USER_IDS, cio: e.CIO_USER_IDS, md: e.MD_USER_IDS, iao: e.IAO_USER_IDS },
    briefing: {
      writers: e.MANAGEMENT_REP_USER_IDS.length > 0 ? e.MANAGEMENT_REP_USER_IDS : e.SIRO_USER_IDS,
      writersAre: e.MANAGEMENT_REP_USER_IDS.length > 0 ? 'management_rep' : 'siro',
      waitWorkingDays: e.BRIEFING_WAIT_WORKING_DAYS,
    },
    departments: e.DEPARTMENTS,
    orgTimeZone: e.ORG_TIME_ZONE,
    targetHours: {
      critical: e.TARGET_HOURS_CRITICAL,
      high: e.TARGET_HOURS_HIGH,
      medium: e.TARGET_HOURS_MEDIUM,
      low: e.TARGET_HOURS_LOW,
    },
    outboxMaxBackoffMs: e.OUTBOX_MAX_BACKOFF_SECONDS * 1000,
    triageRoles: e.TRIAGE_ROLES,
    notifyHours: {
      regulator: e.NOTIFY_REGULATOR_HOURS,
      police: e.NOTIFY_POLICE_HOURS,
      cert: e.NOTIFY_CERT_HOURS,
      customers: e.NOTIFY_CUSTOMERS_HOURS,
    },
    outsideBodies: [
      ...defaultBodies({
        regulator: e.NOTIFY_REGULATOR_HOURS,
        police: e.NOTIFY_POLICE_HOURS,
        cert: e.NOTIFY_CERT_HOURS,
        customers: e.NOTIFY_CUSTOMERS_HOURS,
      }),
      ...e.OUTSIDE_BODIES.map((b) => ({ ...b, trigger: b.trigger as OutsideBody['trigger'] })),
    ],
    lateReportHours: e.LATE_REPORT_HOURS,
    reminders: {
      untriagedHours: e.REMIND_UNTRIAGED_HOURS,
      untriagedUrgentHours: e.REMIND_UNTRIAGED_URGENT_HOURS,
      beforeTargetHours: e.REMIND_BEFORE_TARGET_HOURS,
      analysisDays: e.REMIND_ANALYSIS_DAYS,
      actionDays: e.REMIND_ACTION_DAYS,
      notifyHours: e.REMIND_NOTIFY_HOURS,
      escalateOverdueDays: e.ESCALATE_OVERDUE_DAYS,
      planDays: e.REMIND_PLAN_DAYS,
      closureDays: e.REMIND_CLOSURE_DAYS,
      workday: e.WORKDAY_HOURS,
      sweepMinutes: e.REMINDER_SWEEP_MINUTES,
    },
    logLevel: e.LOG_LEVEL,
  };
}

/** What the operator commands need: the database (and its audit key) and the organisation's calendar, nothing of Slack. */
export function loadStorageConfig(
  env: Record<string, string | undefined>,
): Pick<Config, 'databasePath' | 'orgTimeZone' | 'auditKey' | 'lateReportHours'> {
  const parsed = envSchema.shape.DATABASE_PATH.safeParse(env.DATABASE_PATH);
  const late = envSchema.shape.LATE_REPORT_HOURS.safeParse(env.LATE_REPORT_HOURS);
  const tz = timeZone.safeParse(env.ORG_TIME_ZONE);
  const key = auditKey.safeParse(env.AUDIT_KEY);
  const problems = [
    ...(parsed.success ? [] : [`DATABASE_PATH ${parsed.error.issues[0]?.message}`]),
    ...(tz.success ? [] : [`ORG_TIME_ZONE ${tz.error.issues[0]?.message} (${WHERE.ORG_TIME_ZONE})`]),
    ...(key.success ? [] : [describe('AUDIT_KEY', key.error.issues[0]?.message ?? 'is malformed')]),
    ...(late.success ? [] : [describe('LATE_REPORT_HOURS', late.error.issues[0]?.message ?? 'is malformed')]),
  ];
  if (!parsed.success || !tz.success || !key.success || !late.success) throw new ConfigError(problems);
  return {
    databasePath: parsed.data,
    lateReportHours: late.data,
    orgTimeZone: tz.data,
    ...(key.data ? { auditKey: key.data } : {}),
  };
}
