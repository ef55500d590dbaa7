// me.updatePreferences: language and theme, each changed on its own, per person, and
// bad values refused without changing anything.
import { beforeAll, describe, expect, it } from 'vitest'
import { rejectionOf, type TestApi, useApiTestBed } from '#tests/support/caller.ts'
import { type TwoClinics } from '#tests/support/fixtures.ts'

const bed = useApiTestBed()
let api: TestApi, fixture: TwoClinics
beforeAll(() => void ({ api, fixture } = bed))

describe('me.updatePreferences', () => {
  it('starts with the device’s theme and stores a theme without touching the language', async () => {
    const a1 = api.as(fixture.a1)
    expect((await a1.me.get()).user.theme).toBe('system')
    await a1.me.updatePreferences({ locale: 'en' })
    expect(await a1.me.updatePreferences({ theme: 'dark' })).toEqual({ locale: 'en', theme: 'dark' })
    expect((await a1.me.get()).user).toMatchObject({ locale: 'en', theme: 'dark' })
    // And the language without touching the theme.
    expect(await a1.me.updatePreferences({ locale: null })).toEqual({ locale: null, theme: 'dark' })
    // Nothing given changes nothing and answers what is stored.
    expect(await a1.me.updatePreferences({})).toEqual({ locale: null, theme: 'dark' })
  })

  it('is the person’s own: a colleague keeps their theme', async () => {
    await api.as(fixture.a2).me.updatePreferences({ theme: 'light' })
    expect((await api.as(fixture.a2).me.get()).user.theme).toBe('light')
    expect((await api.as(fixture.a1).me.get()).user.theme).toBe('dark')
  })

  it('refuses an unknown theme with invalid_input and keeps the stored one', async () => {
    const a2 = api.as(fixture.a2)
    for (const input of [{ theme: 'sepia' }, { theme: null }, { theme: 'dark', font: 'large' }]) {
      const { status, body } = await api.http(fixture.a2, 'mutation', 'me.updatePreferences', input)
      expect(status, JSON.stringify(input)).toBe(400)
      expect(body.error!.message).toBe('invalid_input')
    }
    expect((await rejectionOf(a2.me.updatePreferences({ theme: 'sepia' as 'dark' }))).code).toBe(
      'BAD_REQUEST',
    )
    expect((await a2.me.get()).user.theme).toBe('light')
  })
})
