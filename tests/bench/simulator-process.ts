// The Azure OpenAI simulator in a process of its own (tests/bench/processes.ts forks it), so a
// benchmark's load client, the app and the "model" do not share one event loop. Options come as
// JSON in argv[2]; the URL goes back over IPC; it closes when the parent disconnects.
import { startAoaiSimulator, type AoaiSimulatorOptions } from '#infra/local/aoai-simulator/server.ts'

const options = JSON.parse(process.argv[2] ?? '{}') as AoaiSimulatorOptions
const simulator = await startAoaiSimulator({ ...options, maxRecords: 100 })
process.send!({ url: simulator.url })
process.once('disconnect', () => {
  void simulator.close().finally(() => process.exit(0))
})
