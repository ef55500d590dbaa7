// The demo clinics and accounts shared by the seed (infra/local/seed.ts) and the bundled
// OpenID Connect provider, so that a seeded user signs in as themselves.
// Fixed ids keep links, screenshots and tests stable across `npm run dev` runs.

export type DemoRole = 'therapist' | 'admin'

export interface DemoAccount {
  /** OIDC subject (`sub`) issued by the bundled provider. */
  subject: string
  userId: string
  email: string
  name: string
  role: DemoRole
  /** Local demo password only; the README lists them. Never used in production. */
  password: string
}

export interface DemoClinic {
  tenantId: string
  slug: string
  name: string
  accounts: DemoAccount[]
}

export const demoClinics: DemoClinic[] = [
  {
    tenantId: '0b0e1a5e-1000-4000-8000-000000000001',
    slug: 'nordlicht',
    name: 'Praxis Nordlicht',
    accounts: [
      {
        subject: 'demo-nordlicht-admin',
        userId: '0b0e1a5e-1000-4000-8000-000000000101',
        email: 'anna.admin@nordlicht.example',
        name: 'Anna Admin',
        role: 'admin',
        password: 'nordlicht-admin',
      },
      {
        subject: 'demo-nordlicht-therapist-1',
        userId: '0b0e1a5e-1000-4000-8000-000000000102',
        email: 'ben.berger@nordlicht.example',
        name: 'Ben Berger',
        role: 'therapist',
        password: 'nordlicht-ben',
      },
      {
        subject: 'demo-nordlicht-therapist-2',
        userId: '0b0e1a5e-1000-4000-8000-000000000103',
        email: 'clara.conrad@nordlicht.example',
        name: 'Clara Conrad',
        role: 'therapist',
        password: 'nordlicht-clara',
      },
    ],
  },
  {
    tenantId: '0b0e1a5e-2000-4000-8000-000000000002',
    slug: 'suedhang',
    name: 'Klinik Südhang',
    accounts: [
      {
        subject: 'demo-suedhang-admin',
        userId: '0b0e1a5e-2000-4000-8000-000000000201',
        email: 'dora.admin@suedhang.example',
        name: 'Dora Admin',
        role: 'admin',
        password: 'suedhang-admin',
      },
      {
        subject: 'demo-suedhang-therapist-1',
        userId: '0b0e1a5e-2000-4000-8000-000000000202',
        email: 'emil.engel@suedhang.example',
        name: 'Emil Engel',
        role: 'therapist',
        password: 'suedhang-emil',
      },
      {
        subject: 'demo-suedhang-therapist-2',
        userId: '0b0e1a5e-2000-4000-8000-000000000203',
        email: 'frieda.fuchs@suedhang.example',
        name: 'Frieda Fuchs',
        role: 'therapist',
        password: 'suedhang-frieda',
      },
    ],
  },
]

/**
 * Accounts the identity provider knows but the seed does not: nobody in the clinic yet. An
 * admin invites one (Settings › People) and they join with the invited role at first sign-in.
 * Without an invitation they would join as the provider's role claim says, as anyone would.
 */
export const newcomerAccounts: Array<DemoAccount & { clinicIndex: number }> = [
  {
    clinicIndex: 0,
    subject: 'demo-nordlicht-newcomer',
    userId: '',
    email: 'nora.neu@nordlicht.example',
    name: 'Nora Neu',
    role: 'therapist',
    password: 'nordlicht-nora',
  },
  {
    clinicIndex: 1,
    subject: 'demo-suedhang-newcomer',
    userId: '',
    email: 'gero.gast@suedhang.example',
    name: 'Gero Gast',
    role: 'therapist',
    password: 'suedhang-gero',
  },
]

export const allDemoAccounts = [
  ...demoClinics.flatMap((clinic) =>
    clinic.accounts.map((account) => ({ ...account, tenantId: clinic.tenantId, clinicSlug: clinic.slug })),
  ),
  ...newcomerAccounts.map(({ clinicIndex, ...account }) => ({
    ...account,
    tenantId: demoClinics[clinicIndex]!.tenantId,
    clinicSlug: demoClinics[clinicIndex]!.slug,
  })),
]
