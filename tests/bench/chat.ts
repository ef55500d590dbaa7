// `npm run bench:chat`: the chat streams of bench:large alone, on a small dataset, in a minute: the
// app as its own process (the built server; `npm run build` first), the model simulator in
// another, this process the load client. For profiling the app at many streams:
//   BENCH_APP_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench:chat
// (the profile is written when the app stops at the end). BENCH_STREAMS (default 200) and
// BENCH_ROUNDS (default 3) set the burst and how often it runs; then BENCH_HELD (default 500)
// slow answers (2 tokens a second) are held open for 5 s and the app's CPU and the database's
// transactions per second are read meanwhile.
import postgres from 'postgres'
import { startAppProcess, startBenchDatabase, startSimulatorProcess } from './processes.ts'
import {
  commits,
  cpuSeconds,
  directClient,
  firstTokenViaApp,
  holdStreams,
  overheadWhileOpen,
  quantile,
} from './streams.ts'

const STREAMS = Number(process.env.BENCH_STREAMS ?? 200)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const HELD = Number(process.env.BENCH_HELD ?? 500)
const ms = (value: number) => `${value.toFixed(1)} ms`

const database = await startBenchDatabase('chat')
const { pg } = database
const model = await startSimulatorProcess({ apiKey: 'bench-key', tokensPerSecond: 200, firstTokenMs: 300 })
try {
  const owner = postgres(pg.ownerUrl(), { max: 2, onnotice: () => {} })
  const [person] = await owner<Array<{ tenantId: string; userId: string }>>`
    with t as (insert into tenants (slug, name, monthly_token_budget) values ('bench', 'Bench', 1000000000000) returning id),
         u as (insert into users (tenant_id, email, name, role)
               select id, 'p@bench.example', 'Person', 'therapist' from t returning tenant_id, id)
    select tenant_id as "tenantId", id as "userId" from u`
  const conversations = await owner<Array<{ id: string }>>`
    insert into conversations (tenant_id, owner_user_id, title)
    select ${person!.tenantId}, ${person!.userId}, 'Verlauf ' || g from generate_series(1, ${Math.max(STREAMS, HELD) + 200 + 40}) g
    returning id`
  const app = await startAppProcess(pg.appUrl(), model.url, {
    DATABASE_POOL_MAX: '20',
    CHAT_RATE_LIMIT_PER_MINUTE: '10000',
  })
  try {
    const cookie = await app.cookieFor(person!)
    const direct = directClient(model.url)
    const pid = app.server.process.pid!
    const burst = async (streams: number) => {
      const directTimes = await Promise.all(
        Array.from({ length: streams }, () => direct('Eine kurze Frage.')),
      )
      const cpu = cpuSeconds(pid)
      const committed = await commits(owner)
      const appTimes = await Promise.all(
        conversations
          .slice(0, streams)
          .map((c) => firstTokenViaApp(app.url, cookie, c.id, 'Eine kurze Frage.')),
      )
      const overhead = (q: number) => quantile(appTimes, q) - quantile(directTimes, q)
      const cpuMs = ((cpuSeconds(pid) - cpu) * 1000) / streams
      return {
        p50: overhead(0.5),
        p99: overhead(0.99),
        cpu: cpuMs,
        commits: ((await commits(owner)) - committed) / streams,
      }
    }
    await burst(20)
    for (let round = 1; round <= ROUNDS; round++) {
      const result = await burst(STREAMS)
      console.log(
        `round ${round}, ${STREAMS} streams: first-token overhead p50 +${ms(result.p50)}, p99 +${ms(result.p99)}; ` +
          `app CPU ${ms(result.cpu)} per answer, ${result.commits.toFixed(1)} transactions per answer`,
      )
    }
  } finally {
    await app.close()
  }

  // Held: slow answers, so the app's cost is that of streams in progress (saves, heartbeats,
  // deltas), not of starting them.
  const slow = await startSimulatorProcess({ apiKey: 'bench-key', tokensPerSecond: 2, firstTokenMs: 50 })
  const holder = await startAppProcess(pg.appUrl(), slow.url, {
    DATABASE_POOL_MAX: '20',
    CHAT_RATE_LIMIT_PER_MINUTE: '10000',
  })
  try {
    const pid = holder.server.process.pid!
    const holderCookie = await holder.cookieFor(person!)
    const ids = conversations.map((c) => c.id)
    // 20 answers begun one by one with nothing else open, then 200 open and 40 begun beside them
    // (the model's first token after 50 ms).
    const alone = await overheadWhileOpen(
      holder.url,
      holderCookie,
      directClient(slow.url),
      ids.slice(-60, -40),
    )
    const open = await holdStreams(holder.url, holderCookie, ids.slice(0, 200))
    const steady = await overheadWhileOpen(holder.url, holderCookie, directClient(slow.url), ids.slice(-40))
    console.log(
      `answers begun one by one, first-token overhead: alone p50 +${ms(alone.p50)}, p99 +${ms(alone.p99)}; ` +
        `beside ${open.begun} open streams (${open.failed} failed) p50 +${ms(steady.p50)}, p99 +${ms(steady.p99)} ` +
        `(direct p50 ${ms(steady.direct)})`,
    )
    const rest = await holdStreams(holder.url, holderCookie, ids.slice(200, Math.max(200, HELD)))
    const held = { begun: open.begun + rest.begun, failed: open.failed + rest.failed }
    const committed = await commits(owner)
    const cpu = cpuSeconds(pid)
    const started = performance.now()
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    const busy = (cpuSeconds(pid) - cpu) / ((performance.now() - started) / 1000)
    // The statistics lag by the same second at both ends.
    const rate = ((await commits(owner)) - committed) / ((performance.now() - started) / 1000 - 1.1)
    console.log(
      `${held.begun} of ${HELD} held (${held.failed} failed): app CPU ${(busy * 100).toFixed(1)} % of a core, ` +
        `${rate.toFixed(0)} transactions a second`,
    )
    open.release()
    rest.release()
    for (let i = 0; i < 600; i++) {
      const [left] = await owner<
        Array<{ n: number }>
      >`select count(*)::int as n from messages where status = 'streaming'`
      if (left!.n === 0) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    await holder.close()
    await slow.close()
    await owner.end()
  }
} finally {
  await model.close()
  await database.stop()
}
process.exit(0)
