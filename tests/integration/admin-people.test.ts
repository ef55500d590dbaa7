// The settings area's procedures end to end against a real database: an invitation is
// bound at first sign-in with the invited role and can be withdrawn; a person's monthly cap
// refuses their next exchange before any model call; the budget alerts are recorded once
// per month and threshold, however often usage passes them.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { completeSignIn } from '#server/auth/sign-in.ts'
import { finishExchange, startExchange } from '#server/services/chat/exchange.ts'
import { rejectionOf, useApiTestBed } from '#tests/support/caller.ts'

const bed = useApiTestBed()

describe('admin.users invitations', () => {
  it('invites a person who joins with the invited role at first sign-in, under the invitation id', async () => {
    const { api, fixture, owner } = bed
    const email = `new-${randomUUID().slice(0, 6)}@example.test`
    const invitation = await api.as(fixture.aAdmin).admin.users.invite({ email, name: 'Neu', role: 'admin' })
    const requestId = api.lastRequestId
    expect(await api.as(fixture.aAdmin).admin.users.invitations()).toContainEqual(
      expect.objectContaining({ id: invitation.id, email, role: 'admin' }),
    )
    const [event] = await owner`select * from audit_events where request_id = ${requestId}`
    expect(event).toMatchObject({
      action: 'user.invited',
      target_id: invitation.id,
      details: { role: 'admin' },
    })
    expect(JSON.stringify(event)).not.toContain(email)

    // The same email again, or a member's email, is refused.
    for (const taken of [
      email,
      (await owner`select email from users where id = ${fixture.a1.userId}`)[0]!.email,
    ])
      expect(
        (
          await rejectionOf(
            api.as(fixture.aAdmin).admin.users.invite({ email: taken, name: 'X', role: 'therapist' }),
          )
        ).message,
      ).toBe('user_exists')
    // Another clinic's admin sees none of it.
    expect(await api.as(fixture.bAdmin).admin.users.invitations()).not.toContainEqual(
      expect.objectContaining({ email }),
    )

    const signedIn = await completeSignIn(
      api.services.db,
      api.services.config,
      {
        issuer: 'http://issuer.test',
        subject: `sub-${email}`,
        email,
        name: 'Nina Neu',
        tenantId: fixture.clinicA.tenantId,
        role: 'therapist',
      },
      randomUUID(),
    )
    expect(signedIn.identity).toMatchObject({
      userId: invitation.id,
      role: 'admin',
      tenantId: fixture.clinicA.tenantId,
    })
    expect(await api.as(fixture.aAdmin).admin.users.invitations()).not.toContainEqual(
      expect.objectContaining({ email }),
    )
    expect(await api.as(fixture.aAdmin).admin.users.list()).toContainEqual(
      expect.objectContaining({
        id: invitation.id,
        name: 'Nina Neu',
        role: 'admin',
        status: 'active',
        tokensThisMonth: 0,
      }),
    )
  })

  it('withdraws an invitation once; anything else is not found', async () => {
    const { api, fixture } = bed
    const invitation = await api.as(fixture.aAdmin).admin.users.invite({
      email: `gone-${randomUUID().slice(0, 6)}@example.test`,
      name: 'Gone',
      role: 'therapist',
    })
    expect(
      (await rejectionOf(api.as(fixture.bAdmin).admin.users.withdrawInvitation({ userId: invitation.id })))
        .message,
    ).toBe('invitation_not_found')
    await expect(
      api.as(fixture.aAdmin).admin.users.withdrawInvitation({ userId: invitation.id }),
    ).resolves.toEqual({ withdrawn: true })
    expect(
      (await rejectionOf(api.as(fixture.aAdmin).admin.users.withdrawInvitation({ userId: invitation.id })))
        .message,
    ).toBe('invitation_not_found')
    expect(
      (
        await rejectionOf(
          api.as(fixture.aAdmin).admin.users.withdrawInvitation({ userId: fixture.a1.userId }),
        )
      ).message,
    ).toBe('invitation_not_found')
  })

  it('lists tokens used this month per person', async () => {
    const { api, fixture } = bed
    const people = await api.as(fixture.aAdmin).admin.users.list()
    // The fixture gives everyone 30 tokens today.
    expect(people.find((person) => person.id === fixture.a2.userId)?.tokensThisMonth).toBe(30)
  })
})

describe('budgets', () => {
  it('refuses a person over their own monthly cap, and no one else', async () => {
    const { api, fixture } = bed
    const db = api.services.db
    const start = (user: typeof fixture.a1) =>
      db.withTenant({ tenantId: user.tenantId, userId: user.userId, role: user.role }, (tx) =>
        startExchange(tx, user, {
          conversationId: fixture.content[user === fixture.a1 ? 'a1' : 'a2'].conversationId,
          request: { kind: 'ask', content: 'Frage' },
          defaultDeployment: 'gpt-4o-mini',
        }),
      )
    await api.as(fixture.aAdmin).admin.settings.update({ userMonthlyTokenCap: 30 })
    expect(await start(fixture.a1)).toEqual({ ok: false, refusal: 'user_budget_exhausted' })
    await api.as(fixture.aAdmin).admin.settings.update({ userMonthlyTokenCap: 31 })
    const started = await start(fixture.a1)
    expect(started.ok).toBe(true)
    await api.as(fixture.aAdmin).admin.settings.update({ userMonthlyTokenCap: null })
    if (started.ok) {
      await db.withTenant({ ...fixture.a1 }, (tx) =>
        finishExchange(tx, fixture.a1, {
          conversationId: started.exchange.conversationId,
          messageId: started.exchange.assistantMessageId,
          content: 'Antwort',
          ending: { status: 'complete', finishReason: 'stop' },
          usage: { promptTokens: 5, completionTokens: 5, estimated: false },
        }),
      )
    }
  })

  it('records each threshold once per month, from the answer that passes it', async () => {
    const { api, fixture, owner } = bed
    const db = api.services.db
    const alerts = () =>
      owner`select details from audit_events where tenant_id = ${fixture.clinicB.tenantId} and action = 'budget.threshold_reached' order by created_at`
    // Clinic B has used 60 tokens: a budget of 70 puts it past 80 %, not 100 %.
    await api.as(fixture.bAdmin).admin.settings.update({ monthlyTokenBudget: 70 })
    expect(await alerts()).toHaveLength(0)
    const answer = async (tokens: number) => {
      const started = await db.withTenant({ ...fixture.b1 }, (tx) =>
        startExchange(tx, fixture.b1, {
          conversationId: fixture.content.b1.conversationId,
          request: { kind: 'ask', content: 'Frage' },
          defaultDeployment: 'gpt-4o-mini',
        }),
      )
      if (!started.ok) throw new Error(started.refusal)
      await db.withTenant({ ...fixture.b1 }, (tx) =>
        finishExchange(tx, fixture.b1, {
          conversationId: started.exchange.conversationId,
          messageId: started.exchange.assistantMessageId,
          content: 'Antwort',
          ending: { status: 'complete', finishReason: 'stop' },
          usage: { promptTokens: tokens, completionTokens: 0, estimated: false },
        }),
      )
    }
    await answer(1)
    await answer(1)
    expect((await alerts()).map((row) => row.details.threshold)).toEqual([80])
    await answer(10)
    await answer(1).catch(() => {})
    expect((await alerts()).map((row) => row.details.threshold)).toEqual([80, 100])
    expect((await alerts())[0]!.details).toMatchObject({ budget: 70, used: 61 })
  })
})
