// The local stand-in for Azure AD B2C / Entra External ID: a real OpenID
// Connect provider (oidc-provider) that knows the demo accounts, shows a plain
// sign-in page, and puts `tenant_id` and `role` claims in the ID token as the
// B2C custom claims do. The app talks to it exactly as to production.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { exportJWK, generateKeyPair } from 'jose'
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider'
import { allDemoAccounts } from './demo-accounts.ts'

export interface LocalOidcClient {
  clientId: string
  clientSecret: string
  redirectUris: string[]
  postLogoutRedirectUris: string[]
}

export interface LocalOidcAccount {
  subject: string
  email: string
  name: string
  tenantId: string
  role: string
  password: string
}

export interface LocalOidcOptions {
  port?: number
  host?: string
  clients: LocalOidcClient[]
  accounts?: LocalOidcAccount[]
}

export interface LocalOidcProvider {
  issuer: string
  port: number
  close(): Promise<void>
}

const MAX_FORM_BYTES = 10_000

/**
 * The sign-in page in German and English, as B2C localises its own pages: by the
 * authorization request's `ui_locales`, else the browser's Accept-Language, else English.
 */
const en = {
  title: 'Sign in to ClinAI (local identity provider)',
  note: 'This is the local stand-in for Azure AD B2C. The demo accounts and their passwords are listed in the README.',
  email: 'Email',
  password: 'Password',
  submit: 'Sign in',
  wrong: 'Email or password is incorrect.',
  errorTitle: 'Sign-in error',
  expiredTitle: 'Sign-in expired',
  expired: 'This sign-in has expired. Please start again from ClinAI.',
}
export const identityProviderText: Record<'en' | 'de', typeof en> = {
  en,
  de: {
    title: 'Bei ClinAI anmelden (lokaler Identitätsanbieter)',
    note: 'Dies ist der lokale Ersatz für Azure AD B2C. Die Demo-Konten und ihre Passwörter stehen in der README.',
    email: 'E-Mail',
    password: 'Passwort',
    submit: 'Anmelden',
    wrong: 'E-Mail-Adresse oder Passwort ist falsch.',
    errorTitle: 'Anmeldefehler',
    expiredTitle: 'Anmeldung abgelaufen',
    expired: 'Diese Anmeldung ist abgelaufen. Bitte beginnen Sie noch einmal in ClinAI.',
  },
}
type Lang = keyof typeof identityProviderText

function languageOf(req: http.IncomingMessage, uiLocales?: unknown): Lang {
  const wanted = `${typeof uiLocales === 'string' ? uiLocales.replace(/ /g, ',') : ''},${req.headers['accept-language'] ?? ''}`
  for (const part of wanted.slice(0, 1000).split(',')) {
    const language = part.trim().split(/[-;]/)[0]?.toLowerCase()
    if (language === 'de' || language === 'en') return language
  }
  return 'en'
}

export async function startIdentityProvider(options: LocalOidcOptions): Promise<LocalOidcProvider> {
  const accounts = new Map(
    (options.accounts ?? allDemoAccounts).map((account) => [account.email.toLowerCase(), account]),
  )
  const bySubject = new Map([...accounts.values()].map((account) => [account.subject, account]))

  const server = http.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const port = (server.address() as { port: number }).port
  const issuer = `http://localhost:${port}`

  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: `local-${randomBytes(4).toString('hex')}`,
    alg: 'RS256',
    use: 'sig',
  }

  const configuration: Configuration = {
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
    })),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // PKCE for every client, as the app always sends it.
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'tenant_id', 'role'],
    },
    // B2C puts its custom claims in the ID token itself; so do we.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
    },
    ttl: {
      Session: 15 * 60,
      Interaction: 10 * 60,
      Grant: 15 * 60,
      AuthorizationCode: 60,
      IdToken: 3600,
      AccessToken: 3600,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, subject) {
      const account = bySubject.get(subject)
      if (!account) return undefined
      return {
        accountId: subject,
        claims: async () => ({
          sub: subject,
          email: account.email,
          email_verified: true,
          name: account.name,
          tenant_id: account.tenantId,
          role: account.role,
        }),
      }
    },
    // First-party clients only: consent is implied, the person never sees a consent page.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const session = ctx.oidc.session
      const client = ctx.oidc.client
      if (!session?.accountId || !client) return undefined
      const existing = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId)
      if (existing) return ctx.oidc.provider.Grant.find(existing)
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId })
      grant.addOIDCScope('openid profile email')
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'tenant_id', 'role'])
      await grant.save()
      return grant
    },
    renderError(ctx, out) {
      const lang = languageOf(ctx.req)
      ctx.type = 'html'
      ctx.body = page(
        lang,
        identityProviderText[lang].errorTitle,
        `<p role="alert">${escapeHtml(String(out.error_description ?? out.error))}</p>`,
      )
    },
  }
  const provider = new Provider(issuer, configuration)
  const oidcCallback = provider.callback()

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer)
    const match = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/.exec(url.pathname)
    // oidc-provider's callback handles its own errors; its promise carries nothing for us.
    if (!match) return void oidcCallback(req, res)
    handleInteraction(provider, accounts, req, res, match[1]!, Boolean(match[2])).catch(() => {
      if (!res.headersSent) {
        const text = identityProviderText[languageOf(req)]
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' })
        res.end(page(languageOf(req), text.expiredTitle, `<p role="alert">${escapeHtml(text.expired)}</p>`))
      }
    })
  })

  return {
    issuer,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

async function handleInteraction(
  provider: Provider,
  accounts: Map<string, LocalOidcAccount>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  uid: string,
  isLogin: boolean,
) {
  const details = await provider.interactionDetails(req, res)
  if (details.uid !== uid) throw new Error('interaction mismatch')
  const lang = languageOf(req, details.params.ui_locales)
  if (!isLogin || req.method !== 'POST') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    res.end(loginPage(lang, uid, ''))
    return
  }
  const form = await readForm(req)
  const account = accounts.get((form.get('email') ?? '').trim().toLowerCase())
  if (!account || form.get('password') !== account.password) {
    res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    res.end(loginPage(lang, uid, identityProviderText[lang].wrong, form.get('email') ?? ''))
    return
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.subject } },
    { mergeWithLastSubmission: false },
  )
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = ''
  for await (const chunk of req) {
    body += chunk
    if (body.length > MAX_FORM_BYTES) throw new Error('form too large')
  }
  return new URLSearchParams(body)
}

function loginPage(lang: Lang, uid: string, error: string, email = ''): string {
  const text = identityProviderText[lang]
  return page(
    lang,
    text.title,
    `<p class="note">${escapeHtml(text.note)}</p>
     ${error ? `<p role="alert" class="error">${escapeHtml(error)}</p>` : ''}
     <form method="post" action="/interaction/${escapeHtml(uid)}/login">
       <label for="email">${escapeHtml(text.email)}</label>
       <input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(email)}" autofocus>
       <label for="password">${escapeHtml(text.password)}</label>
       <input id="password" name="password" type="password" autocomplete="current-password" required>
       <button type="submit">${escapeHtml(text.submit)}</button>
     </form>`,
  )
}

function page(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f7f8fa;color:#1b1f24;margin:0;padding:2rem 1rem}
main{max-width:24rem;margin:0 auto;background:#fff;border:1px solid #d1d5db;border-radius:.75rem;padding:1.5rem}
label{display:block;font-weight:600;margin-top:1rem}input{width:100%;padding:.5rem;font:inherit;border:1px solid #6b7280;border-radius:.4rem;box-sizing:border-box}
button{margin-top:1.25rem;width:100%;padding:.6rem;font:inherit;font-weight:600;background:#1d4ed8;color:#fff;border:0;border-radius:.5rem;cursor:pointer}
.note{color:#4b5563;font-size:.9rem}.error{color:#991b1b;font-weight:600}:focus-visible{outline:3px solid #b45309;outline-offset:2px}
.brand{display:flex;align-items:center;gap:.6rem;justify-content:center;margin:0 0 1.25rem;font-size:1.25rem;font-weight:600}h1{margin-top:0;font-size:1.4rem}
@media (prefers-color-scheme:dark){body{background:#020617;color:#f1f5f9}main{background:#0f172a;border-color:#334155}
input{background:#020617;color:#f1f5f9;border-color:#94a3b8}.note{color:#cbd5e1}.error{color:#fca5a5}:focus-visible{outline-color:#fcd34d}}</style>
</head><body><p class="brand">${LOGO}<span>ClinAI</span></p><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`
}

// The app's mark (public/logo.svg), so the stand-in's pages look like the product's own.
const LOGO =
  '<svg viewBox="0 0 32 32" width="32" height="32" aria-hidden="true"><rect width="32" height="32" rx="8" fill="#1d4ed8"/>' +
  '<path d="M8 9.5A3.5 3.5 0 0 1 11.5 6h9A3.5 3.5 0 0 1 24 9.5v8a3.5 3.5 0 0 1-3.5 3.5H15l-5 4.5V21a3.5 3.5 0 0 1-2-3.2z" fill="#fff"/>' +
  '<path d="M14.6 9.5h2.8v3h3v2.8h-3v3h-2.8v-3h-3v-2.8h3z" fill="#1d4ed8"/></svg>'

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )
}
