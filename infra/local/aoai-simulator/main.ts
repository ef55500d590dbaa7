// Runs the Azure OpenAI simulator on its own: `npx tsx infra/local/aoai-simulator/main.ts`.
//
// Environment (all optional): AOAI_SIM_PORT (5557), AOAI_SIM_HOST (127.0.0.1), AOAI_SIM_API_KEY
// (local-dev-key), AOAI_SIM_TOKENS_PER_SECOND (50), AOAI_SIM_FIRST_TOKEN_MS (300),
// AOAI_SIM_FAULT_RATE (0, i.e. faults only on request).
import { startAoaiSimulator, type SimRequestRecord } from './server.ts'

if (process.env.NODE_ENV === 'production') {
  console.error('The Azure OpenAI simulator is a local stand-in and never runs in production.')
  process.exit(1)
}

function numberFromEnv(name: string, fallback: number, valid: (value: number) => boolean): number {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || !valid(value)) {
    console.error(`[aoai-sim] invalid ${name}: ${JSON.stringify(raw)}`)
    process.exit(1)
  }
  return value
}

// Only the record's metadata is printed; prompts and answers may hold clinical content.
function describe(record: SimRequestRecord): string {
  const outcome = record.clientClosedEarly
    ? 'client closed early'
    : record.finished
      ? 'complete'
      : 'incomplete'
  return (
    `[aoai-sim] ${record.id} ${record.deployment || '-'} ${record.stream ? 'stream' : 'json'} ` +
    `status=${record.status} fault=${record.fault ?? 'none'} ${outcome}`
  )
}

const apiKey = process.env.AOAI_SIM_API_KEY || 'local-dev-key'
const simulator = await startAoaiSimulator({
  port: numberFromEnv(
    'AOAI_SIM_PORT',
    5557,
    (value) => Number.isInteger(value) && value >= 0 && value < 65536,
  ),
  host: process.env.AOAI_SIM_HOST || '127.0.0.1',
  apiKey,
  tokensPerSecond: numberFromEnv('AOAI_SIM_TOKENS_PER_SECOND', 50, (value) => value > 0),
  firstTokenMs: numberFromEnv('AOAI_SIM_FIRST_TOKEN_MS', 300, (value) => value >= 0),
  faultRate: numberFromEnv('AOAI_SIM_FAULT_RATE', 0, (value) => value >= 0 && value <= 1),
  onRequestEnd: (record) => console.log(describe(record)),
})

console.log(`[aoai-sim] Azure OpenAI simulator listening on ${simulator.url}`)
console.log(
  `[aoai-sim]   AzureOpenAI endpoint: ${simulator.url}  (deployment URLs under /openai/deployments/…)`,
)
console.log(`[aoai-sim]   OpenAI v1 base URL:   ${simulator.url}/openai/v1`)
if (!process.env.AOAI_SIM_API_KEY) console.log(`[aoai-sim]   api key: ${apiKey}`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await simulator.close()
  process.exit(0)
}
process.once('SIGINT', () => void stop())
process.once('SIGTERM', () => void stop())
